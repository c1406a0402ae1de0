"""Use cases that cross apps: every channel records and reviews responses through here.

``survey`` writes responses, ``scoring`` scores them; neither calls the other. A
channel (the wizard, the file import, and the sync, OpenRosa and self-assessment
channels to come) calls one function of this package, which does the survey write,
the scores and their aggregates in one transaction, so no step can be skipped or
done twice.
"""
