"""The institutions simulator (``lastmile institutions-sim``): a stand-in for banks, payment
platforms and registries over the real gateway protocol. Not deployed in production."""
