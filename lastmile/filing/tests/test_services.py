def test_registering_an_institution_with_its_e_service_address_records_consent(db, yuelu, now):
    from lastmile.filing.services import institution_client_upsert
    from lastmile.parties.models import ElectronicAddress
    from lastmile.testing.factories import make_uscc

    client = institution_client_upsert(
        name="示范银行股份有限公司",
        uscc=make_uscc(),
        courts=[yuelu],
        now=now,
        e_service_address="bank-0104@court.example",
    )
    address = ElectronicAddress.objects.get(party=client.party)
    assert (address.channel, address.consent_kind, address.confirmed) == ("platform", "provided", True)
    again = institution_client_upsert(
        name="示范银行股份有限公司",
        uscc=client.party.id_number,
        courts=[yuelu],
        now=now,
        e_service_address="bank-0104@court.example",
    )
    assert again.pk == client.pk and ElectronicAddress.objects.filter(party=client.party).count() == 1
