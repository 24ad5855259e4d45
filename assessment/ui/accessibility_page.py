"""Accessibility statement (/accessibility): GOV.UK's model statement, for everyone, signed in or not.

The facts (the known problems, when and how it was tested) are `domain.accessibility`; whom to
contact is the deployment's setting ASSESSMENT_ACCESSIBILITY_CONTACT (docs/deployment.md)."""

from __future__ import annotations

import os

import streamlit as st

from assessment.domain import accessibility as facts
from assessment.domain.record import long_date
from assessment.ui import state
from assessment.ui.text import md

TOOL = "the procurement maturity self-assessment"
found = facts.contact(os.environ.get(facts.CONTACT_SETTING))
who = f"[{md(found.text)}]({found.link})" if found.link else md(found.text)
tested = " and ".join(f"{width:,}" for width in facts.WIDTHS)

st.title("Accessibility statement")
st.markdown(f"""This accessibility statement applies to {TOOL}, the tool at this address in which councils assess
their procurement against a maturity framework, report to members and keep their plans.

It is run by the council, or the group of councils, whose people use it. We want as many people as
possible to be able to use it. For example, that means you should be able to:

- change colours, contrast levels and fonts using your browser's or device's settings
- zoom in up to 400% without the text spilling off the screen (except the wide tables listed below)
- move around most of the tool using just a keyboard or speech recognition software
- listen to most of the tool using a screen reader

We have also made the text as simple as possible to understand.

[AbilityNet](https://mcmw.abilitynet.org.uk/) has advice on making your device easier to use if you
have a disability.""")
if not found.given and state.actor().manages_deployment:
    st.caption(md(f"For those who run this tool: the contact named below is the default; name your own with the "
                  f"setting {facts.CONTACT_SETTING} (an email address or a web address), as docs/deployment.md "
                  "says."))

st.header("How accessible this tool is")
st.markdown("We know some parts of this tool are not fully accessible:\n\n"
            + "\n".join(f"- {md(issue.what)}" for issue in facts.KNOWN_ISSUES))

st.header("Feedback and contact information")
st.markdown(f"""If you need anything in this tool in a different format, like an accessible PDF, large
print, easy read, an audio recording or braille, contact {who}.

We will consider your request and get back to you within {facts.REPLY_WORKING_DAYS} working days.
The progress report and the objectives appendix can also be downloaded as Word or PDF files, to
read with your own software.""")

st.header("Reporting accessibility problems with this tool")
st.markdown(f"""We are always looking to improve the accessibility of this tool. If you find any
problems not listed on this page, or think we are not meeting accessibility requirements, contact
{who}.""")

st.header("Enforcement procedure")
st.markdown(f"""The Equality and Human Rights Commission (EHRC) is responsible for enforcing the
{facts.REGULATIONS} (the "accessibility regulations"). If you are not happy with how we respond to
your complaint, [contact the Equality Advisory and Support Service
(EASS)](https://www.equalityadvisoryservice.com/).""")

st.header("Technical information about this tool's accessibility")
st.markdown(f"""We are committed to making this tool accessible, in accordance with the
{facts.REGULATIONS}.""")
st.subheader("Compliance status")
st.markdown(f"""This tool is partially compliant with the {facts.STANDARD} standard, due to the
non-compliances listed below.""")

st.header("Non-accessible content")
st.markdown("The content listed below is non-accessible for the following reasons.")
st.subheader("Non-compliance with the accessibility regulations")
st.markdown("\n".join(f"- {md(issue.what)} This fails WCAG 2.2 success criteria {md(', '.join(issue.criteria))}."
                      for issue in facts.KNOWN_ISSUES if issue.criteria)
            + "\n\nWe plan to fix these, and will update this statement when we do.")
st.subheader("Disproportionate burden")
st.markdown("We are not claiming that fixing any of these would be a disproportionate burden.")
st.subheader("Content that is not within the scope of the accessibility regulations")
st.markdown("Nothing in this tool is left out of the regulations' scope.")

st.header("What we are doing to improve accessibility")
st.markdown("""Every page is checked automatically on every change to the tool (below), so that a
change that makes it worse is not released. Next, we will make the wide tables fit narrow screens
and 400% zoom, and have the tool tested with screen readers and by disabled people.""")

st.header("Preparation of this accessibility statement")
st.markdown(f"""This statement was prepared on {long_date(facts.PREPARED)}. It was last reviewed on
{long_date(facts.PREPARED)}.

This tool was last tested on {long_date(facts.TESTED)} against the {facts.STANDARD} standard. The
test was carried out by the tool's developers. Every page (Start, Score a key area, Progress report,
Plan, Covering report, Actions, Import, People, Framework, the privacy notice and this statement) is tested
automatically with axe-core, the engine public-sector accessibility audits use, in the Chromium
browser at two widths, {tested} pixels, on every change: the test fails on any serious or critical
problem, on headings out of order, and on anything cut off. The pages were also checked at 320
pixels (1,280 pixels zoomed to 400%), which found the problems listed above.""")
