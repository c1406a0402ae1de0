from django.core.management import call_command
from criteria import models as m
from criteria.services import save_spec, load_spec, publish, CriteriaSetInvalid, install_shipped_sets
from tests.criteria_db.conftest import counts, SHIPPED_DIR
from tests.criteria.conftest import build_citizen_spec
import io

def test_x(db, django_assert_num_queries):
    install_shipped_sets(directory=SHIPPED_DIR)
    print(counts())
    out = io.StringIO(); call_command("list_criteria", stdout=out); print(repr(out.getvalue()))
    cs = save_spec(spec=build_citizen_spec())
    m.Question.objects.filter(criteria_set=cs, code="sessions").update(type="text")
    try:
        publish(criteria_set=cs)
    except CriteriaSetInvalid as e:
        for p in e.problems: print(repr(p)); print(p.location("vi"), p.location("en"))
    with django_assert_num_queries(10):
        load_spec(criteria_set=cs)
