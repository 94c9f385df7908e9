from django.core.management import call_command
from django.test import TestCase

from duban.indicators.models import Indicator, Period, RegionGroup, Target, Value


class DemoTests(TestCase):
    def test_the_demo_loads_once_labelled_as_demo_data(self):
        from duban.indicators.demo import load_demo_indicators
        from duban.org.demo import load_demo_org

        load_demo_org()
        first = load_demo_indicators()
        self.assertEqual(first["indicators_created"], 14)
        self.assertEqual(RegionGroup.objects.count(), 4)
        self.assertFalse(Value.objects.filter(is_derived=False, is_demo=False).exists())
        self.assertTrue(all(i.is_demo and "演示" in i.description for i in Indicator.objects.all()))
        self.assertTrue(
            Value.objects.filter(
                indicator__code="FAI_YOY", region__code="220100", period__code="2014-06"
            ).exists()
        )
        self.assertTrue(Target.objects.filter(year=2014).exists())
        self.assertTrue(Period.objects.get(code="2013-06").is_locked)
        self.assertFalse(Period.objects.get(code="2014-06").is_locked)
        n = Value.objects.count()
        again = load_demo_indicators()
        self.assertEqual((again["indicators_created"], again["demo_values_created"]), (0, 0))
        self.assertEqual(Value.objects.count(), n)

    def test_duban_demo_includes_the_indicators(self):
        call_command("demo", "--quiet-logins", stdout=__import__("io").StringIO())
        self.assertTrue(Indicator.objects.filter(code="GDP").exists())
