"""One module per IATI activity element, each a function (project, context) → elements.

``ACTIVITY_ELEMENTS`` lists them in the order the 2.03 schema requires; ``exporter`` composes
them. Each builder reads only the project (with the relations ``iati_projects_for_export``
prefetches, read through the ``iati_project_*`` functions of ``selectors``) and the context, so it
can be tested on its own by parsing what it returns.
"""
