"""Party API (party login): mounted at /api/v1/party."""

from ninja import Router

router = Router()
