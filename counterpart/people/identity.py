"""Resident identity numbers (居民身份证号码, GB 11643): validation, masking, encryption, blind index.

An identity number is sensitive personal information (PIPL art. 28). It never leaves this module in
clear except through ``identity_decrypt`` (used by the audited reveal service and by re-keying):
- stored encrypted with AES-256-GCM, with the id of the key beside the ciphertext so keys rotate;
- found and de-duplicated through a *blind index*, HMAC-SHA256 under its own key — a plain hash
  would be useless, since area, birth date and sequence are guessable (about 10^9 candidates);
- shown masked (520402***********1); errors name only the masked number.
See docs/security.md for the key design and rotation.
"""

import datetime
import functools
import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils.translation import gettext as _

from counterpart.core.errors import InvalidInput

IDENTITY_LENGTH = 18
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
_NONCE_BYTES = 12
# Binds each ciphertext to its purpose: a blob copied into another encrypted column won't decrypt.
_ASSOCIATED_DATA = b"counterpart.people.person.identity"


def identity_mask(number: str | None) -> str:
    """The displayable form: the area code and the check character only (520402***********1).

    Birth date and sequence stay hidden: with the birth year and sex a role may also see, about
    16,600 numbers remain possible (365 days x 500 sequences of that sex / 11 check characters), never
    fewer than 10,000 — see docs/security.md. Anything too short to mask that way is hidden entirely.
    """
    if not number:
        return ""
    text = str(number).strip()
    if len(text) < 12:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 7) + text[-1:]


def identity_check_character(first17: str) -> str:
    """The GB 11643 check character (ISO 7064 MOD 11-2) of the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


def identity_normalise(raw: object) -> str:
    """Strip blanks and write a trailing x as X; no other change."""
    return str(raw if raw is not None else "").strip().replace(" ", "").upper()


@dataclass(frozen=True)
class IdentityNumber:
    """A validated number and what it states: area prefix, birth date, sex."""

    number: str
    area_prefix: str
    birth_date: datetime.date
    is_male: bool

    @property
    def masked(self) -> str:
        return identity_mask(self.number)

    def __repr__(self) -> str:  # never print the number in tracebacks or debuggers
        return f"IdentityNumber({self.masked})"

    __str__ = __repr__


def identity_parse(
    raw: object, field: str = "identity_number", *, today: datetime.date | None = None
) -> IdentityNumber:
    """Validate an 18-character identity number; errors show only the masked number."""
    number = identity_normalise(raw)
    masked = identity_mask(number)
    if len(number) != IDENTITY_LENGTH:
        raise InvalidInput(field, masked, _("身份证号码应为18位"))
    if not number[:17].isascii() or not number[:17].isdigit() or number[17] not in "0123456789X":
        raise InvalidInput(field, masked, _("身份证号码前17位应为数字，最后一位为数字或X"))
    if number[:2] == "00" or number[2:6] == "0000":
        raise InvalidInput(field, masked, _("身份证号码的地址码无效"))
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidInput(field, masked, _("身份证号码中的出生日期不是有效日期")) from None
    if birth > (today or datetime.date.today()) or birth.year < 1880:
        raise InvalidInput(field, masked, _("身份证号码中的出生日期不在合理范围内"))
    if identity_check_character(number[:17]) != number[17]:
        raise InvalidInput(field, masked, _("身份证号码校验码错误"))
    return IdentityNumber(number=number, area_prefix=number[:6], birth_date=birth, is_male=int(number[16]) % 2 == 1)


def _keys() -> dict[str, bytes]:
    return settings.COUNTERPART_IDENTITY_KEYS


def identity_current_key_id() -> str:
    return settings.COUNTERPART_IDENTITY_KEY_ID


def identity_encrypt(number: str, key_id: str | None = None) -> tuple[str, bytes]:
    """(key id, nonce ‖ ciphertext ‖ tag) under the current key (or the one named)."""
    key_id = key_id or identity_current_key_id()
    nonce = os.urandom(_NONCE_BYTES)
    ciphertext = AESGCM(_keys()[key_id]).encrypt(nonce, number.encode("ascii"), _ASSOCIATED_DATA)
    return key_id, nonce + ciphertext


def identity_decrypt(key_id: str, blob: bytes | memoryview) -> str:
    """The clear number; raises cryptography's InvalidTag if the blob was altered or the key is wrong."""
    data = bytes(blob)
    plain = AESGCM(_keys()[key_id]).decrypt(data[:_NONCE_BYTES], data[_NONCE_BYTES:], _ASSOCIATED_DATA)
    return plain.decode("ascii")


BLIND_INDEX_BYTES = 16


def identity_blind_index(number: str) -> bytes:
    """HMAC-SHA256 of the normalised number under the blind-index key, its first 16 bytes (128 bits).

    128 bits leave no collision among 10^8 numbers (the chance is about 10^-23) and store in 17 bytes
    instead of the 65 of the 64-character hex digest (docs/benchmarks.md, "Row widths"); the first 16
    bytes are what the first 32 characters of that hex named, so migration 0009 converted stored rows.
    """
    key: bytes = settings.COUNTERPART_BLIND_INDEX_KEY
    digest = hmac.new(key, identity_normalise(number).encode("ascii"), hashlib.sha256).digest()
    return digest[:BLIND_INDEX_BYTES]


def identity_compose(area_prefix: str, birth_date: datetime.date, sequence: int) -> str:
    """A well-formed number from its parts (for synthetic data: demo, tests, benchmark).

    ``sequence`` is 0–999; odd for men, even for women, as GB 11643 assigns them.
    """
    first17 = f"{area_prefix}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + identity_check_character(first17)


class IdentityCipher:
    """Encrypts and blind-indexes many numbers with one key schedule: the bulk import's tight loop.

    The same AES-GCM key, associated data and HMAC key as ``identity_encrypt`` and
    ``identity_blind_index`` (their output is interchangeable); nonces come from ``os.urandom``
    drawn a block at a time instead of one system call per number.
    """

    _NONCES_PER_DRAW = 4096

    def __init__(self, key_id: str | None = None, *, secrets: tuple[bytes, bytes] | None = None) -> None:
        """``secrets`` (AES key of ``key_id``, blind-index key): for a worker process of the bulk import,
        which has no settings; by default both come from the settings."""
        self.key_id = key_id or identity_current_key_id()
        key, blind_key = secrets or (_keys()[self.key_id], settings.COUNTERPART_BLIND_INDEX_KEY)
        self._aead = AESGCM(key)
        # HMAC (RFC 2104) from two SHA-256 states that have absorbed the key's pads: a number then costs
        # four C calls on hashlib's objects instead of hmac.HMAC's Python methods (about 3 µs against
        # 4.5 µs a row measured here); the digests are hmac.new's to the byte (test_identity.py).
        padded = (hashlib.sha256(blind_key).digest() if len(blind_key) > 64 else blind_key).ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in padded))
        self._outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in padded))
        self._nonces = b""
        self._offset = 0

    def _nonce(self) -> bytes:
        if self._offset >= len(self._nonces):
            self._nonces, self._offset = os.urandom(_NONCE_BYTES * self._NONCES_PER_DRAW), 0
        start = self._offset
        self._offset += _NONCE_BYTES
        return self._nonces[start : start + _NONCE_BYTES]

    def secrets(self) -> tuple[str, tuple[bytes, bytes]]:
        """What a worker process needs to build the same cipher (passed through a pipe, never a file)."""
        return self.key_id, (_keys()[self.key_id], settings.COUNTERPART_BLIND_INDEX_KEY)

    def encrypt(self, number: str) -> bytes:
        """nonce ‖ ciphertext ‖ tag of an already normalised number, under ``self.key_id``."""
        nonce = self._nonce()
        return nonce + self._aead.encrypt(nonce, number.encode("ascii"), _ASSOCIATED_DATA)

    def blind_index(self, number: str) -> bytes:
        """``identity_blind_index`` of an already normalised number."""
        inner = self._inner.copy()
        inner.update(number.encode("ascii"))
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()[:BLIND_INDEX_BYTES]


@functools.lru_cache(maxsize=65536)  # every date from 1880 to now is about 53,000 keys
def _date_exists(yyyymmdd: str) -> bool:
    try:
        datetime.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return True


def identity_valid_fast(number: str, today: str) -> bool:
    """True when ``identity_parse`` would accept this normalised number (``today`` as YYYYMMDD).

    A cheap test for the bulk import's loop; anything it refuses goes through ``identity_parse``
    for the exact message, so the two never disagree on an accepted number. The check character
    comes from one C-level ``int(…, 13)``: 13 ≡ 2 (mod 11), so the first 17 digits read in base 13
    are Σ dᵢ·2^(16−i) mod 11, and doubling that gives GB 11643's Σ dᵢ·Wᵢ (Wᵢ = 2^(17−i) mod 11).
    """
    if len(number) != IDENTITY_LENGTH:
        return False
    first17 = number[:17]
    if not first17.isdigit() or not first17.isascii() or number[:2] == "00" or number[2:6] == "0000":
        return False
    birth = number[6:14]
    if birth > today or birth < "18800101":
        return False
    if not _date_exists(birth):
        return False
    return _CHECK_CHARACTERS[2 * int(first17, 13) % 11] == number[17]
