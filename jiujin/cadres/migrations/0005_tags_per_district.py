"""Tags become per-district (step 2 of 3): split each global tag into one per district of its cadres.

The first district keeps the original row; the cadres of other districts are moved to a new tag of the same
name in their district. Tags no cadre uses are deleted. Not reversible in data (0004's column just goes)."""

from collections import defaultdict

from django.db import migrations

SEP = "/"


def _district_path(path: str) -> str:
    codes = [c for c in path.split(SEP) if c]
    return SEP + SEP.join(codes[:2]) + SEP


def split_tags(apps, schema_editor):
    Tag = apps.get_model("cadres", "Tag")
    OrgUnit = apps.get_model("orgs", "OrgUnit")
    Through = apps.get_model("cadres", "Cadre").tags.through
    unit_by_path = dict(OrgUnit.objects.values_list("path", "pk"))
    # tag -> district unit -> through-row ids
    links: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    rows = Through.objects.values_list("pk", "tag_id", "cadre__community__path").iterator(5000)
    for pk, tag_id, path in rows:
        links[tag_id][unit_by_path[_district_path(path)]].append(pk)
    for tag in Tag.objects.filter(org_unit__isnull=True).iterator(2000):
        by_unit = links.get(tag.pk)
        if not by_unit:
            tag.delete()  # an orphan: no cadre uses it
            continue
        first, *others = sorted(by_unit)
        tag.org_unit_id = first
        tag.save(update_fields=["org_unit"])
        for unit_id in others:
            twin = Tag.objects.create(name=tag.name, org_unit_id=unit_id)
            Through.objects.filter(pk__in=by_unit[unit_id]).update(tag=twin)


class Migration(migrations.Migration):
    dependencies = [("cadres", "0004_tag_org_unit")]

    operations = [migrations.RunPython(split_tags, migrations.RunPython.noop)]
