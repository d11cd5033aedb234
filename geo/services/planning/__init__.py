"""Shift planning: what the planner asks for (``request``: ``PlanRequest``), the shift's demand and
supply (``demand``), travel distances (``distance``), the eligibility mask (``mask``), the proposal
and its acceptance (``plan``) and what a proposal says (``report``)."""
from .demand import DemandTarget, ShiftDemand, SupplyFormation, shift_demand, shift_supply
from .plan import accept_plan, may_plan, plan_page, propose_plan
from .report import PlanItem, Proposal
from .request import PlanRequest
