from __future__ import annotations

from datetime import date

import factory

from jiujin.cadres.models import Cadre, Category, FamilyContact, HealthStatus, LivingArrangement, Rank
from jiujin.demo.identities import id_number


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"李{'国华建明志'[n % 5]}{'平安德成'[n % 4]}")
    gender = "M"
    birth_date = factory.Sequence(lambda n: date(1935 + n % 25, 1 + n % 12, 1 + n % 28))
    id_number = factory.LazyAttributeSequence(
        lambda o, n: id_number(o.birth_date, seq=n, male=o.gender == "M")
    )
    category = Category.TUIXIU
    rank = Rank.CHU
    address = factory.Sequence(lambda n: f"黄州区东湖路{n + 1}号")
    phone_mobile = factory.Sequence(lambda n: f"139{n:08d}")
    living_arrangement = LivingArrangement.EMPTY_NEST
    health_status = HealthStatus.FAIR

    @factory.post_generation
    def search_keys(obj: Cadre, create: bool, extracted: object, **kwargs: object) -> None:
        obj.refresh_search_keys()
        if create:
            obj.save(update_fields=["name_pinyin", "name_initials"])


class FamilyContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyContact

    name = "张小明"
    relation = "儿子"
    phone = "13900001111"
