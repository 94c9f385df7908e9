import factory
from django.utils import timezone

from duban.notify.models import Channel, Delivery


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel

    kind = Channel.Kind.WEBHOOK
    name = factory.Sequence(lambda n: f"渠道{n}")
    target = "http://127.0.0.1:9/hook"
    secret = "s3cret-密钥"


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    channel = factory.SubFactory(ChannelFactory)
    kind = "plan.published"
    title = "计划已发布：2014年工作要点"
    body = "请到“我的任务”签收。"
    link = "/tasks/"
    unit = factory.LazyAttribute(lambda d: d.channel.unit)
    next_attempt_at = factory.LazyFunction(timezone.now)
