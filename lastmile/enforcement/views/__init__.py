"""Staff pages of enforcement: the case list, the counter filing form, the triage rules, the action
forms posted from the case panel, and the panel itself. Each view translates the form, makes one
service or selector call and shows the result or the Chinese error message.

One module per family of pages:

- :mod:`.pages`: the case list and the enforcement panel on the case page;
- :mod:`.filing`: the counter filing form;
- :mod:`.triage`: the court's triage rules (繁简分流);
- :mod:`.acts`: the acts posted from the case panel, and :func:`act`, which runs them;
- :mod:`.settlement_acts`: the 执行和解 and 终本 acts among them;
- :mod:`.assistance`: requests between courts (委托执行, 协助执行), read and answered by both courts;
- :mod:`.common`: the actor, the error page and the parsing of form fields.

The views are re-exported here, so ``views.case_list`` (the urls) and ``views.case_panel`` (the
case page) keep working.
"""

from .acts import HANDLERS, act
from .assistance import assistance_answer, assistance_detail, assistance_letter, assistance_list, court_search
from .common import Handler
from .filing import file_case
from .pages import case_list, case_panel
from .triage import triage_rules

__all__ = [
    "HANDLERS",
    "Handler",
    "act",
    "assistance_answer",
    "assistance_detail",
    "assistance_letter",
    "assistance_list",
    "case_list",
    "case_panel",
    "court_search",
    "file_case",
    "triage_rules",
]
