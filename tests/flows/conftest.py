from tests.survey.conftest import pilot_sets, round_  # noqa: F401 - the survey's fixtures
