from django.core.management.base import BaseCommand
from django.db import transaction

from wuxiao.common.models import Industry
from wuxiao.common.refdata import load_industries
from wuxiao.orgs.models import Organisation, UnitKind
from wuxiao.orgs.refdata import load_zhengzhou_units


class Command(BaseCommand):
    help = "Load (or update) the reference data: GB/T 4754-2017 industries and Zhengzhou's district unions. Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        rows = load_industries()
        self.stdout.write(f"GB/T 4754-2017: {rows} rows in the file, {Industry.objects.count()} industries in the database "
                          + ", ".join(f"{level}={Industry.objects.filter(level=level).count()}"
                                      for level in Industry.Level.values))
        rows = load_zhengzhou_units()
        districts = Organisation.objects.filter(kind=UnitKind.DISTRICT_UNION).count()
        committee = Organisation.objects.filter(kind=UnitKind.COMMITTEE).count()
        self.stdout.write(f"Zhengzhou units: {rows} rows in the file, {districts} district/county unions "
                          f"and {committee} committee office(s) in the database")
