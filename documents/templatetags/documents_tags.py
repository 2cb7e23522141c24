"""Document panels that lower apps' pages show: the page's template loads them by name, so
programs and patients never import documents (the layer rule in DESIGN.md)."""

from django import template

from .. import selectors

register = template.Library()


def _base(context) -> dict:
    return {"user": context.get("user"), "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("documents/partials/patient_documents.html", takes_context=True)
def patient_documents(context, patient):
    """The patient's newest handouts and reports, for staff (`patient` is already scoped)."""
    states = [selectors.document_state(d) for d in selectors.documents_for_patient(patient)]
    return {**_base(context), "patient": patient, "document_states": states}


@register.inclusion_tag("documents/partials/plan_handout.html", takes_context=True)
def plan_handout(context, plan):
    """The plan page's handout section: the newest handout in any state and the button."""
    handout = selectors.latest_handout_for_plan(plan)
    state = selectors.document_state(handout) if handout else None
    return {**_base(context), "plan": plan, "handout_state": state}


@register.inclusion_tag("documents/partials/my_handout.html", takes_context=True)
def my_handout(context, plan):
    """The patient's download button, when their open plan has a ready handout."""
    user = context.get("user")
    handout = selectors.current_handout_for_account(user) if plan.is_open else None
    return {**_base(context), "handout": handout}
