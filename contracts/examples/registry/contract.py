"""Asset registry: fungible assets by class and unique (non-fungible) items, minted by role.

Sổ đăng ký tài sản: tài sản đồng loại theo lớp và tài sản duy nhất, do người có vai trò phát hành.

Who may mint: the minters named at instantiation, or any active member of the
chain holding ``minter_role`` (read from Sen's membership module). Holders
transfer what they hold; retiring (burning) removes it from circulation for
good, with a reason, as a carbon credit or a used voucher is retired. There is
no allowance: only a holder moves its own assets, so nothing can be spent twice.
"""

import sen_contract as sen

config = sen.Item("config")
balances = sen.Map("balance")  # "<asset>/<holder>" -> amount
supply = sen.Map("supply")  # asset -> {"minted": n, "retired": n}
items = sen.Map("item")  # item id -> {"asset", "owner", "retired", "meta"}


def _name(value, what):
    sen.require(
        isinstance(value, str) and 0 < len(value) <= 128 and "/" not in value,
        what + ": expected 1 to 128 characters without '/'",
    )
    return value


def _amount(value):
    sen.require(
        isinstance(value, int) and not isinstance(value, bool) and value > 0,
        "amount: expected a positive integer",
    )
    return value


def _may_mint(who):
    settings = config.get()
    if who in settings["minters"]:
        return True
    member = sen.system("membership/member", address=who)
    return bool(member and member.get("active") and settings["minter_role"] in member["roles"])


@sen.instantiate
def init(name, minter_role="issuer", minters=None):
    minters = [sen.env().sender] if minters is None else minters
    sen.require(
        isinstance(minters, list) and all(isinstance(m, str) for m in minters),
        "minters: expected a list of addresses",
    )
    config.set({"name": _name(name, "name"), "minter_role": minter_role, "minters": minters})


@sen.execute
def mint(asset, to, amount):
    sender = sen.env().sender
    sen.require(_may_mint(sender), "only a minter may mint")
    _name(asset, "asset")
    _name(to, "to")
    _amount(amount)
    balances[asset + "/" + to] = balances.get(asset + "/" + to, 0) + amount
    totals = supply.get(asset, {"minted": 0, "retired": 0})
    totals["minted"] += amount
    supply[asset] = totals
    sen.emit("mint", asset=asset, to=to, amount=amount)
    return balances[asset + "/" + to]


@sen.execute
def transfer(asset, to, amount):
    sender = sen.env().sender
    _name(asset, "asset")
    _name(to, "to")
    _amount(amount)
    have = balances.get(asset + "/" + sender, 0)
    sen.require(have >= amount, "insufficient balance: have " + str(have))
    balances[asset + "/" + sender] = have - amount
    balances[asset + "/" + to] = balances.get(asset + "/" + to, 0) + amount
    sen.emit("transfer", asset=asset, to=to, amount=amount)
    return have - amount


@sen.execute
def retire(asset, amount, reason=""):
    sender = sen.env().sender
    _name(asset, "asset")
    _amount(amount)
    have = balances.get(asset + "/" + sender, 0)
    sen.require(have >= amount, "insufficient balance: have " + str(have))
    balances[asset + "/" + sender] = have - amount
    totals = supply[asset]
    totals["retired"] += amount
    supply[asset] = totals
    sen.emit("retire", asset=asset, amount=amount, reason=str(reason)[:256])
    return have - amount


@sen.execute
def mint_item(item, asset, to, meta=None):
    sen.require(_may_mint(sen.env().sender), "only a minter may mint")
    _name(item, "item")
    _name(asset, "asset")
    _name(to, "to")
    sen.require(item not in items, "item " + item + " exists")
    items[item] = {"asset": asset, "owner": to, "retired": False, "meta": meta}
    sen.emit("mint_item", item=item, asset=asset, to=to)
    return items[item]


@sen.execute
def transfer_item(item, to):
    found = items.get(item)
    sen.require(found is not None, "no item " + str(item))
    sen.require(found["owner"] == sen.env().sender, "only the owner may transfer it")
    sen.require(not found["retired"], "the item is retired")
    found["owner"] = _name(to, "to")
    items[item] = found
    sen.emit("transfer_item", item=item, to=to)
    return found


@sen.execute
def retire_item(item, reason=""):
    found = items.get(item)
    sen.require(found is not None, "no item " + str(item))
    sen.require(found["owner"] == sen.env().sender, "only the owner may retire it")
    sen.require(not found["retired"], "the item is already retired")
    found["retired"] = True
    items[item] = found
    sen.emit("retire_item", item=item, reason=str(reason)[:256])
    return found


@sen.query
def balance(asset, holder):
    return balances.get(asset + "/" + holder, 0)


@sen.query
def supply_of(asset):
    totals = supply.get(asset, {"minted": 0, "retired": 0})
    return {
        "minted": totals["minted"],
        "retired": totals["retired"],
        "circulating": totals["minted"] - totals["retired"],
    }


@sen.query
def item_of(item):
    return items.get(item)
