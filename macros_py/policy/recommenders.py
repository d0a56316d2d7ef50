"""Who sent a file: the recommender's canonical name and channel (属地人社 or 市直主管部门).

Counties write their bureau's name in many ways ("平城区人社局", "大同市平城区人力资源和社会保障局",
"城区人社局" from before the 2018 re-districting); all of them must land on the policy's name so
that C-MISSING, supersession and B-DUP see one recommender.
"""

from __future__ import annotations

from dataclasses import dataclass

from macros_py.model.normalize import norm_key
from macros_py.policy.load import CHANNEL_CITY, CHANNEL_COUNTY, Policy

_HR_WORDS = ("人力资源和社会保障局", "人力资源社会保障局", "人社局", "人力资源局", "人社")


@dataclass(frozen=True)
class Resolved:
    name: str            # the policy's spelling, or the cleaned name as written
    channel: str
    expected: bool       # listed in the policy file
    county: str | None = None


def _county_in(key: str, policy: Policy) -> str | None:
    former = policy.get("region.former_names")
    for county in policy.get("region.counties"):
        if county in key:
            return county
    for old, new in former.items():
        # "城区" is part of "平城区"; only count a former name that is not inside a current one.
        if old in key and not any(old in c and c in key for c in policy.get("region.counties")):
            return new
    return None


def resolve(name: str | None, policy: Policy) -> Resolved | None:
    if not name or not norm_key(name):
        return None
    key = norm_key(name)
    city = norm_key(policy.get("region.city"))
    for rec in policy.recommenders:
        if key == norm_key(rec.name) or key == city + norm_key(rec.name):
            return Resolved(rec.name, rec.channel, True, rec.county)
    county = _county_in(key, policy)
    if county and any(w in key for w in _HR_WORDS):
        suffix = policy.get("recommenders.county_suffix")
        return Resolved(county + suffix, CHANNEL_COUNTY, True, county)
    # A city department written without or with the city's name.
    for rec in policy.recommenders:
        if rec.channel == CHANNEL_CITY and (key == norm_key(rec.name).removeprefix(city)
                                            or city + key == norm_key(rec.name)):
            return Resolved(rec.name, rec.channel, True)
    return Resolved(name.strip(), CHANNEL_COUNTY if county else CHANNEL_CITY, False, county)
