"""Cases in progress now (autumn 2026), so that every role finds something in its inbox.

F waits for the council's screening, G for the applicant's idea, H for the economist's review;
the coordinator has the fund's portfolio report for 2025 to write.
They follow the same process and helpers as the historical cases A–E.
"""

from __future__ import annotations

from web.demo.cases import application, consents, form, registered, taken_in
from web.demo.replay import Step, Timeline

_H_APPLICATION = application(
    "UN", ["UN", "SN"], "2027-08-01", "2029-06-30", 2400, {2027: 600, 2028: 1200, 2029: 600},
    "Språkstöd i förskolan",
)  # fmt: skip

CASE_F = Timeline(
    project="F",
    title="Läxhjälp i Hovsjö",
    started_on="2026-10-05",
    started_by="nora.falk",
    start_data={"fund": "SIF-DEMO"},
    steps=[
        Step("2026-10-06", "submit_idea", "nora.falk", form(
            "idea", title="Läxhjälp i Hovsjö", lead_board="UN", estimated_total_tkr=900)),
    ],
)  # fmt: skip

CASE_G = Timeline(
    project="G",
    title="Simskola för nyanlända barn",
    started_on="2026-11-02",
    started_by="nora.falk",
    start_data={"fund": "SIF-DEMO"},
    steps=[],
)

CASE_H = Timeline(
    project="H",
    title="Språkstöd i förskolan",
    started_on="2026-09-01",
    started_by="elif.demir",
    start_data={"fund": "SIF-DEMO"},
    steps=[
        Step("2026-09-02", "submit_idea", "elif.demir", form(
            "idea", title="Språkstöd i förskolan", lead_board="UN", estimated_total_tkr=2400)),
        taken_in("2026-09-02", "2026-09-16"),
        Step("2026-09-16", "screen_idea", "anna.berg",
             form("screening", meeting_date="2026-09-16")),
        Step("2026-11-09", "draft_application", "elif.demir", _H_APPLICATION),
        *consents("2026-11-12", _H_APPLICATION),
        registered("2026-11-13", "KS 26/231"),
    ],
)  # fmt: skip

PORTFOLIO_2025 = Timeline(
    project="",
    key="P2025",
    title="Portföljrapport 2025",
    process="portfolio_report",
    started_on="2026-11-16",
    started_by="lina.nord",
    start_data={"fund": "SIF-DEMO", "year": 2025},
    steps=[],
)

LIVE = [CASE_F, CASE_G, CASE_H, PORTFOLIO_2025]
