"""Household responses from files: the paper data-entry workbook, KoboToolbox and ODK Central.

For communes that survey on paper or offline. One pipeline, all or nothing:

1. ``files``: refuse what is not a safe ``.xlsx`` or ODK ``.zip`` (size, signature,
   damage, decompression bombs, XML entities: ``criteria.xlsx_safety``), then read
   every sheet as text with python-calamine; formula cells are found and never
   evaluated.
2. ``paper`` / ``submissions``: link members to households (household key; Kobo's
   ``_index``/``_parent_index``; ODK's ``KEY``/``PARENT_KEY``) and map columns to
   fields (``Label [code]`` headers; the field form's names, group paths and all).
3. ``checks`` (pure): every household through the web form's own rules, into
   ``survey.services.Submission`` objects, collecting every problem with its sheet,
   row and column (``criteria.validation.Problem``, Vietnamese and English), in
   ``reporting``. One checker per concern: ``households`` (the household's details),
   ``members`` (each member's details, how many, one head), ``answers`` (which
   questions are asked, and each answer); ``values`` turns cell text into values,
   ``context`` holds what the checks know (units in ``UnitDirectory``), ``rows`` the
   rows they read. ``reading`` reads an upload as its source and checks it.
4. ``service.write_import``: the one transactional write: households already in the
   round (``existing``), then ``writer`` (rows as the web form builds them);
   corrections go through the web form's correction path; then the caller's
   ``score_written`` in the same transaction. Nothing is written unless the whole file
   is valid. Channels call ``flows.imports.import_responses``, which passes scoring's.

``template`` writes the blank data-entry workbook of a round (``layout`` holds its
columns, shared with the reader); ``entry_template`` gathers what it needs from the
database. Pages: ``flows.web.imports``; commands: ``entry_template`` and
``import_responses`` (in ``flows``).
"""
