import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counterpart.core.errors import InvalidInput
from counterpart.people.identity import (
    identity_blind_index,
    identity_compose,
    identity_decrypt,
    identity_encrypt,
    identity_mask,
    identity_parse,
)

VALID = "11010519491231002X"  # the GB 11643 standard's own example


def test_a_valid_number_gives_its_birth_date_and_sex() -> None:
    parsed = identity_parse(VALID)
    assert (parsed.area_prefix, parsed.birth_date, parsed.is_male) == ("110105", datetime.date(1949, 12, 31), False)
    assert repr(parsed) == "IdentityNumber(110105***********X)"
    assert identity_parse(" 11010519491231002x ").number == VALID


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("110105194912310021", "校验码错误"),
        ("110105194902300027", "不是有效日期"),
        ("110105209901010010", "不在合理范围内"),
        ("11010519491231002", "应为18位"),
        ("1101051949123100211", "应为18位"),
        ("11010519491231A02X", "前17位应为数字"),
    ],
)
def test_invalid_numbers_are_refused_naming_only_the_masked_number(raw: str, message: str) -> None:
    with pytest.raises(InvalidInput) as error:
        identity_parse(raw)
    assert message in error.value.reason
    text = f"{error.value} {error.value.messages} {error.value!r} {error.value.value}"
    assert raw not in text
    assert raw[6:14] not in text  # the birth date digits are what the mask hides
    assert error.value.field == "identity_number"


def test_future_birth_date_is_refused_relative_to_today() -> None:
    tomorrow = datetime.date(2030, 1, 2)
    number = identity_compose("520422", tomorrow, 11)
    with pytest.raises(InvalidInput):
        identity_parse(number, today=datetime.date(2030, 1, 1))
    assert identity_parse(number, today=tomorrow).birth_date == tomorrow


def test_mask_keeps_area_and_check_character_only() -> None:
    # the birth date and the sequence are hidden: see docs/security.md, masking against linkage
    assert identity_mask("520402198005171234") == "520402***********4"
    assert identity_mask("12345") == "*****"
    assert identity_mask(None) == ""


@given(
    prefix=st.sampled_from(["520422", "520623", "370202", "110105"]),
    birth=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2020, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
)
def test_composed_numbers_validate_and_round_trip_through_encryption(
    prefix: str, birth: datetime.date, sequence: int
) -> None:
    number = identity_compose(prefix, birth, sequence)
    parsed = identity_parse(number)
    assert (parsed.birth_date, parsed.is_male) == (birth, sequence % 2 == 1)
    key_id, blob = identity_encrypt(number)
    assert number.encode() not in blob
    assert identity_decrypt(key_id, blob) == number
    # a changed last digit is always caught by the check character
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(InvalidInput):
        identity_parse(wrong)


def test_blind_index_is_keyed_not_a_plain_hash(settings) -> None:
    import hashlib

    first = identity_blind_index(VALID)
    assert first != hashlib.sha256(VALID.encode()).digest()[:16]
    assert identity_blind_index(VALID.lower()) == first
    settings.COUNTERPART_BLIND_INDEX_KEY = b"\x01" * 32
    assert identity_blind_index(VALID) != first


def test_blind_index_is_the_first_128_bits_the_stored_hex_spelled(settings) -> None:
    """16 raw bytes, the first 32 characters of the 64-character hex stored before migration 0009
    (which converts each row from its own value), and the same from the bulk import's cipher."""
    import hashlib
    import hmac

    from counterpart.people.identity import IdentityCipher

    old_hex = hmac.new(settings.COUNTERPART_BLIND_INDEX_KEY, VALID.encode(), hashlib.sha256).hexdigest()
    index = identity_blind_index(VALID)
    assert type(index) is bytes and len(index) == 16
    assert index == bytes.fromhex(old_hex[:32])
    assert IdentityCipher().blind_index(VALID) == index
    assert identity_blind_index(VALID[:-1] + "0") != index


@pytest.mark.parametrize("key_length", [1, 32, 63, 64, 65, 200])
def test_the_bulk_cipher_blind_index_is_hmac_sha256_for_any_key_length(settings, key_length) -> None:
    """IdentityCipher computes the HMAC from the key's padded SHA-256 states (RFC 2104) for speed: the same
    bytes as hmac.new, for keys shorter than, as long as and longer than SHA-256's 64-byte block."""
    import hashlib
    import hmac

    from counterpart.people.identity import IdentityCipher

    key = bytes(range(1, key_length + 1)) if key_length < 256 else b"k" * key_length
    settings.COUNTERPART_BLIND_INDEX_KEY = key
    cipher = IdentityCipher()
    for number in (VALID, VALID[:-1] + "0", "11010519491231002X"):
        assert cipher.blind_index(number) == hmac.new(key, number.encode(), hashlib.sha256).digest()[:16]
        assert cipher.blind_index(number) == identity_blind_index(number)


@pytest.mark.django_db
def test_migration_0009_converts_a_stored_hex_to_the_bytes_of_today(settings) -> None:
    """The conversion the migration applies to every row, on this database's engine."""
    import hashlib
    import hmac
    import importlib

    from django.db import connection

    migration = importlib.import_module("counterpart.people.migrations.0010_person_blind_index_bytes")
    old_hex = hmac.new(settings.COUNTERPART_BLIND_INDEX_KEY, VALID.encode(), hashlib.sha256).hexdigest()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {migration.HEX_TO_BYTES_SQL} FROM (SELECT %s::text AS identity_blind_index) t", [old_hex]
            )
            converted = bytes(cursor.fetchone()[0])
    else:
        converted = migration.hex_to_bytes(old_hex)
    assert converted == identity_blind_index(VALID)


def test_encryption_is_randomised_and_authenticated() -> None:
    _key, first = identity_encrypt(VALID)
    key_id, second = identity_encrypt(VALID)
    assert first != second
    tampered = second[:-1] + bytes([second[-1] ^ 1])
    from cryptography.exceptions import InvalidTag

    with pytest.raises(InvalidTag):
        identity_decrypt(key_id, tampered)
