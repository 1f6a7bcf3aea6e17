"""Multi-party sign-off: a document needs the signatures of named parties before its deadline.

Quy trình nhiều bên: một văn bản cần chữ ký của các bên đã nêu trước hạn chót.

A party is an address, or ``org:<id>``: any active member of that organisation
(read from Sen's membership module) signs for it. The document is identified
by the digest of its content (which stays off chain); when every party has
signed it is complete; after the deadline (block time) no one can sign and it
reads as expired. Only its proposer may cancel it while it is open.
"""

import sen_contract as sen

documents = sen.Map("doc")
MAX_PARTIES = 20


def _party_of(sender, parties):
    """The party ``sender`` signs for: itself, or its organisation."""
    if sender in parties:
        return sender
    member = sen.system("membership/member", address=sender)
    if member and member.get("active") and ("org:" + member["organisation"]) in parties:
        return "org:" + member["organisation"]
    return None


def _state(doc):
    if doc["state"] == "open" and sen.env().time > doc["deadline"]:
        return "expired"
    return doc["state"]


@sen.execute
def propose(doc_id, title, digest, parties, deadline):
    env = sen.env()
    sen.require(isinstance(doc_id, str) and 0 < len(doc_id) <= 64, "doc_id: 1 to 64 characters")
    sen.require(doc_id not in documents, "document " + doc_id + " exists")
    sen.require(
        isinstance(digest, str) and len(digest) == 64, "digest: 64 hex characters (SHA-256)"
    )
    sen.require(
        isinstance(parties, list) and 2 <= len(parties) <= MAX_PARTIES,
        "parties: 2 to " + str(MAX_PARTIES),
    )
    sen.require(len(set(parties)) == len(parties), "parties: each at most once")
    sen.require(
        isinstance(deadline, int) and deadline > env.time, "deadline: a block time in the future"
    )
    documents[doc_id] = {
        "title": str(title)[:256],
        "digest": digest,
        "parties": parties,
        "deadline": deadline,
        "signed": {},
        "state": "open",
        "proposer": env.sender,
    }
    sen.emit("proposed", doc=doc_id, parties=len(parties), deadline=deadline)
    return doc_id


@sen.execute
def sign(doc_id):
    env = sen.env()
    doc = documents.get(doc_id)
    sen.require(doc is not None, "no document " + str(doc_id))
    sen.require(_state(doc) == "open", "the document is " + _state(doc))
    party = _party_of(env.sender, doc["parties"])
    sen.require(party is not None, "the signer is not a party")
    sen.require(party not in doc["signed"], party + " has already signed")
    doc["signed"][party] = {"by": env.sender, "height": env.height, "time": env.time}
    if len(doc["signed"]) == len(doc["parties"]):
        doc["state"] = "complete"
        sen.emit("completed", doc=doc_id)
    documents[doc_id] = doc
    sen.emit("signed", doc=doc_id, party=party)
    return {"signed": len(doc["signed"]), "of": len(doc["parties"]), "state": doc["state"]}


@sen.execute
def cancel(doc_id):
    doc = documents.get(doc_id)
    sen.require(doc is not None, "no document " + str(doc_id))
    sen.require(doc["proposer"] == sen.env().sender, "only the proposer may cancel")
    sen.require(_state(doc) == "open", "the document is " + _state(doc))
    doc["state"] = "cancelled"
    documents[doc_id] = doc
    sen.emit("cancelled", doc=doc_id)
    return doc["state"]


@sen.query
def status(doc_id):
    doc = documents.get(doc_id)
    if doc is None:
        return None
    missing = [p for p in doc["parties"] if p not in doc["signed"]]
    return {
        "title": doc["title"],
        "digest": doc["digest"],
        "state": _state(doc),
        "signed": doc["signed"],
        "missing": missing,
        "deadline": doc["deadline"],
    }
