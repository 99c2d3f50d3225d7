from django.apps import AppConfig


class AuctionConfig(AppConfig):
    name = "lastmile.auction"
    label = "auction"
    verbose_name = "网络司法拍卖"
