"""A small indicator set on top of the named cast (duban.core.testing.BaseTestCase).

- FAI (固定资产投资): ``unit`` (省发展改革委), monthly, cumulative, sum; 长春市 and two districts
- FAI_YOY = yoy(FAI): derived, recomputed from the formula
- TRADE (进出口总额): ``other_unit`` (省商务厅), monthly, cumulative; the same regions
- BORDER (口岸过货量): ``third_unit`` (珲春市政府), monthly, for the period; 珲春市
FAI has figures for 2013-01 … 2014-05 in 南关区 and 宽城区.
"""

from decimal import Decimal

from duban.core.testing import BaseTestCase
from duban.indicators import calc, services, values
from duban.indicators.models import Indicator, Region

CHANGCHUN, NANGUAN, KUANCHENG, HUNCHUN = "220100", "220102", "220103", "222404"


def month(code: str) -> calc.PeriodKey:
    return calc.parse_period(code)


class IndicatorTestCase(BaseTestCase):
    fai: Indicator
    fai_yoy: Indicator
    trade: Indicator
    border: Indicator

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.regions = {r.code: r for r in Region.objects.all()}
        cc = [cls.regions[c] for c in (CHANGCHUN, NANGUAN, KUANCHENG)]
        cls.fai = services.indicator_create(
            actor=None,
            code="FAI",
            name="固定资产投资",
            unit_of_measure="亿元",
            accumulation="cumulative",
            responsible_unit=cls.unit,
            regions=cc,
        )
        cls.fai_yoy = services.indicator_create(
            actor=None,
            code="FAI_YOY",
            name="固定资产投资同比增长",
            unit_of_measure="%",
            value_type="percent",
            aggregation="formula",
            formula="yoy(FAI)",
            responsible_unit=cls.unit,
            regions=cc,
            precision=1,
            allow_negative=True,
        )
        cls.trade = services.indicator_create(
            actor=None,
            code="TRADE",
            name="进出口总额",
            unit_of_measure="万美元",
            accumulation="cumulative",
            responsible_unit=cls.other_unit,
            regions=cc,
            precision=0,
        )
        cls.border = services.indicator_create(
            actor=None,
            code="BORDER",
            name="口岸过货量",
            unit_of_measure="万吨",
            responsible_unit=cls.third_unit,
            regions=[cls.regions[HUNCHUN]],
        )
        entries = []
        for code, base in ((NANGUAN, Decimal(100)), (KUANCHENG, Decimal(50))):
            for year, factor in ((2013, Decimal(1)), (2014, Decimal("1.1"))):
                for m in range(1, 13 if year == 2013 else 6):
                    entries.append(
                        values.Entry(
                            cls.fai, cls.regions[code], calc.PeriodKey(year, "month", m), base * factor * m
                        )
                    )
        values.values_save(actor=None, entries=entries)

    def quarterly_gdp(self, code: str, figures: dict[str, int]):
        """A cumulative quarterly indicator at 南关区 with figures by quarter ("2014-Q4": 9)."""
        gdp = services.indicator_create(
            actor=None,
            code=code,
            name="地区生产总值",
            period_type="quarter",
            accumulation="cumulative",
            responsible_unit=self.unit,
            regions=[self.regions[NANGUAN]],
        )
        entries = [
            values.Entry(gdp, self.regions[NANGUAN], calc.parse_period(q), Decimal(v))
            for q, v in figures.items()
        ]
        values.values_save(actor=None, entries=entries)
        return gdp

    def entry(self, ind, region_code, period, value, **kw) -> values.Entry:
        figure = Decimal(str(value)) if value is not None else None
        return values.Entry(ind, self.regions[region_code], month(period), figure, **kw)
