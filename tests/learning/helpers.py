"""Small helpers shared by the learning tests."""

import datetime

from django.utils import timezone

from sebaya.learning.models import ActionPlan
from sebaya.learning.services import ActionPlanInput, action_plan_submit

PLAN = ActionPlanInput(
    modification="Tipologi desa diganti tipologi desa di tepian sungai.",
    rationale="Banyak keluarga miskin tinggal di tepian sungai.",
    responsible_unit="Bappeda, bidang sosial budaya",
    resources_needed="Dua analis data; anggaran survei.",
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return today() - datetime.timedelta(days=n)


def submit_plan(world, **kwargs) -> ActionPlan:
    return action_plan_submit(
        user=kwargs.pop("user", world.adopter),
        organisation=kwargs.pop("organisation", world.adopter_org),
        innovation=kwargs.pop("innovation", world.practice),
        plan=kwargs.pop("plan", PLAN),
        event=kwargs.pop("event", world.event),
    )
