"""The built-in document templates (court format, in Chinese), loaded as version 1 of each template.

Court admins edit a template by saving a new version (see :mod:`lastmile.documents.services`);
the text here is only the starting point. Every template lists the case-independent elements a
caller must supply (``required``) and sample values used by tests, the demo and the bench.

Legal references printed in the texts follow the 2023 Civil Procedure Law numbering (CPL 2023;
see docs/law.md): 执行通知 art. 251, 报告财产 art. 252, 冻结/扣划 art. 253, 扣留提取收入 art. 254,
查封/扣押/拍卖 arts. 255 and 258, 迟延履行利息 art. 264, 限制出境/征信 art. 266, 终结执行
art. 268, 拘传 art. 112 with 民诉解释 art. 482, 罚款/拘留 arts. 114, 118 and 119.

One module per family of documents (:mod:`.notices`, :mod:`.rulings`, :mod:`.measures`,
:mod:`.closing`, :mod:`.judicial`, :mod:`.trial`, :mod:`.service`, :mod:`.courts`,
:mod:`.auction`, :mod:`.valuation`, :mod:`.funds`); :mod:`.common` holds :class:`TemplateSpec`
and the blocks of prose they share. :data:`TEMPLATES` keeps the families in this order.
"""

from __future__ import annotations

from .auction import AUCTION
from .closing import CLOSING
from .common import TemplateSpec
from .courts import COURTS
from .funds import FUNDS
from .judicial import JUDICIAL
from .measures import MEASURES
from .notices import NOTICES
from .rulings import RULINGS
from .service import SERVICE
from .trial import TRIAL
from .valuation import VALUATION

TEMPLATES: list[TemplateSpec] = [
    *NOTICES,
    *RULINGS,
    *MEASURES,
    *CLOSING,
    *JUDICIAL,
    *TRIAL,
    *SERVICE,
    *COURTS,
    *AUCTION,
    *VALUATION,
    *FUNDS,
]

TEMPLATES_BY_CODE: dict[str, TemplateSpec] = {t.code: t for t in TEMPLATES}

__all__ = ["TEMPLATES", "TEMPLATES_BY_CODE", "TemplateSpec"]
