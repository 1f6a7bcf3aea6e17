"""Result codes: the only form in which a transaction's outcome enters consensus.

Codes are stable forever once a network has used them: add new ones, never
renumber. Human-readable text lives in logs and in :data:`DESCRIPTIONS`, which
is not hashed.
"""

from __future__ import annotations

from enum import IntEnum


class ResultCode(IntEnum):
    OK = 0
    # envelope (1-29)
    MALFORMED = 1
    NON_CANONICAL = 2
    TX_TOO_LARGE = 3
    WRONG_CHAIN = 4
    UNKNOWN_SUITE = 5
    BAD_PUBLIC_KEY = 6
    BAD_SIGNATURE = 7
    NONCE_TOO_LOW = 8
    NONCE_TOO_HIGH = 9
    UNKNOWN_MODULE = 10
    UNKNOWN_ACTION = 11
    INVALID_ARGUMENT = 12
    SUITE_NOT_ALLOWED = 13
    MODULE_DISABLED = 14
    PERSONAL_DATA = 15
    # evidence module (100-129)
    UNKNOWN_DIGEST_ALGORITHM = 100
    WRONG_DIGEST_LENGTH = 101
    BATCH_EMPTY = 102
    BATCH_TOO_LARGE = 103
    DUPLICATE_IN_BATCH = 104
    # membership module and permissions (130-159)
    UNKNOWN_SIGNER = 130
    CERTIFICATE_EXPIRED = 131
    CERTIFICATE_NOT_YET_VALID = 132
    CERTIFICATE_REVOKED = 133
    ORGANISATION_REMOVED = 134
    ROLE_REQUIRED = 135
    WRONG_CA = 136
    BAD_CERTIFICATE = 137
    KEY_MISMATCH = 138
    ROLE_NOT_ALLOWED = 139
    UNKNOWN_ROLE = 140
    UNKNOWN_ORGANISATION = 141
    ORGANISATION_EXISTS = 142
    NOT_ORGANISATION_ADMIN = 143
    ALREADY_REVOKED = 144
    UNSUPPORTED_KEY = 145
    # governance module (160-189)
    UNKNOWN_PROPOSAL = 160
    PROPOSAL_CLOSED = 161
    VOTING_CLOSED = 162
    DOUBLE_VOTE = 163
    INVALID_PROPOSAL = 164
    NOT_IN_AN_ORGANISATION = 165
    # identity module (190-219)
    INVALID_DID_NAME = 190
    DID_EXISTS = 191
    UNKNOWN_DID = 192
    DID_DEACTIVATED = 193
    NOT_DID_CONTROLLER = 194
    INVALID_VERIFICATION_METHOD = 195
    UNSUPPORTED_KEY_TYPE = 196
    INVALID_RELATIONSHIP = 197
    INVALID_SERVICE = 198
    DUPLICATE_FRAGMENT = 199
    INVALID_CONTROLLER = 200
    INVALID_ALSO_KNOWN_AS = 201
    # trust module: accreditation and schemas (220-239)
    INVALID_DID = 220
    INVALID_CREDENTIAL_TYPE = 221
    INVALID_VALIDITY = 222
    NOT_ACCREDITED = 223
    SELF_ACCREDITATION = 224
    UNKNOWN_ACCREDITATION = 225
    ACCREDITATION_REVOKED = 226
    NOT_ACCREDITOR = 227
    TOO_MANY_ACCREDITATIONS = 228
    INVALID_SCHEMA = 229
    SCHEMA_EXISTS = 230
    UNKNOWN_SCHEMA = 231
    SCHEMA_DEPRECATED = 232
    # status module: Bitstring Status Lists (240-259)
    INVALID_STATUS_LIST_NAME = 240
    INVALID_STATUS_PURPOSE = 241
    INVALID_STATUS_LIST_SIZE = 242
    STATUS_LIST_EXISTS = 243
    UNKNOWN_STATUS_LIST = 244
    STATUS_INDEX_OUT_OF_RANGE = 245
    STATUS_INDEX_CONFLICT = 246
    TOO_MANY_STATUS_INDEXES = 247
    STATUS_IRREVERSIBLE = 248
    # interchain module (260-289)
    INVALID_HEADER = 260
    INVALID_CLIENT_PARAMS = 261
    UNKNOWN_CLIENT = 262
    CLIENT_FROZEN = 263
    CLIENT_EXPIRED = 264
    UNKNOWN_CONSENSUS_STATE = 265
    HEADER_NOT_NEWER = 266
    HEADER_FROM_FUTURE = 267
    INSUFFICIENT_TRUST = 268
    NOT_MISBEHAVIOUR = 269
    INVALID_PACKET = 270
    UNKNOWN_PORT = 271
    PACKET_TIMED_OUT = 272
    PACKET_ALREADY_RECEIVED = 273
    INVALID_PROOF = 274
    UNKNOWN_PACKET = 275
    TIMEOUT_NOT_REACHED = 276
    COUNTERPARTY_MISMATCH = 277
    INVALID_RECORD = 278
    RECORD_EXISTS = 279
    UNKNOWN_RECORD = 280
    NOT_RECORD_OWNER = 281
    RECORD_NOT_LIVE = 282
    RECORD_MISMATCH = 283
    CLIENT_NOT_RECOVERABLE = 284
    SUBSTITUTE_MISMATCH = 285
    SUBSTITUTE_NOT_NEWER = 286
    # directory module: the hub's register of member chains (290-299)
    CHAIN_EXISTS = 290
    UNKNOWN_CHAIN = 291
    # contracts module (300-329)
    CONTRACTS_NOT_ENABLED = 300
    CODE_TOO_LARGE = 301
    CODE_EXISTS = 302
    UNKNOWN_CODE = 303
    INVALID_CODE = 304
    UPLOAD_NOT_ALLOWED = 305
    UNKNOWN_CONTRACT = 306
    NOT_CONTRACT_ADMIN = 307
    GAS_LIMIT_TOO_HIGH = 308
    OUT_OF_GAS = 309
    CONTRACT_REFUSED = 310
    CONTRACT_FAILED = 311
    CONTRACT_TRAPPED = 312
    NO_SUCH_ENTRY = 313
    CONTRACT_BAD_ANSWER = 314
    BLOCK_GAS_EXHAUSTED = 315
    # privacy module: consent, data-subject requests, erasures, breaches (330-359)
    INVALID_PRIVACY_TERM = 330
    CONSENT_EXISTS = 331
    UNKNOWN_CONSENT = 332
    INVALID_CONSENT_SIGNATURE = 333
    CONSENT_NOT_LIVE = 334
    NOT_DATA_SUBJECT = 335
    REQUEST_EXISTS = 336
    UNKNOWN_REQUEST = 337
    REQUEST_CLOSED = 338
    TOO_MANY_OPEN_REQUESTS = 339
    NO_CONSENT_RELATION = 340
    ERASURE_EXISTS = 341
    REQUEST_MISMATCH = 342
    BREACH_EXISTS = 343
    TIME_IN_FUTURE = 344
    UNKNOWN_ASSESSMENT = 345
    ASSESSMENT_CLOSED = 346
    CONSENT_EXPIRED = 347
    ASSESSMENT_CHANGED = 348
    # Traceability (the trace module, ADR 0015)
    INVALID_GS1_PREFIX = 360
    PREFIX_OVERLAPS = 361
    UNKNOWN_PREFIX = 362
    PREFIX_NOT_HELD = 363
    CAPTURE_EXISTS = 364


DESCRIPTIONS: dict[ResultCode, tuple[str, str]] = {
    # code: (English, Vietnamese)
    ResultCode.OK: ("ok", "thành công"),
    ResultCode.MALFORMED: ("transaction cannot be decoded", "không giải mã được giao dịch"),
    ResultCode.NON_CANONICAL: (
        "transaction is not canonically encoded",
        "giao dịch không ở dạng mã hoá chuẩn",
    ),
    ResultCode.TX_TOO_LARGE: ("transaction too large", "giao dịch quá lớn"),
    ResultCode.WRONG_CHAIN: ("transaction is for another chain", "giao dịch dành cho chuỗi khác"),
    ResultCode.UNKNOWN_SUITE: ("unknown signature suite", "bộ chữ ký không xác định"),
    ResultCode.BAD_PUBLIC_KEY: ("invalid public key", "khoá công khai không hợp lệ"),
    ResultCode.BAD_SIGNATURE: ("signature does not verify", "chữ ký không hợp lệ"),
    ResultCode.NONCE_TOO_LOW: (
        "nonce already used (replay)",
        "nonce đã được dùng (phát lại)",
    ),
    ResultCode.NONCE_TOO_HIGH: ("nonce is in the future", "nonce vượt trước"),
    ResultCode.UNKNOWN_MODULE: ("unknown module", "mô-đun không xác định"),
    ResultCode.UNKNOWN_ACTION: ("unknown action", "hành động không xác định"),
    ResultCode.INVALID_ARGUMENT: ("invalid argument", "tham số không hợp lệ"),
    ResultCode.SUITE_NOT_ALLOWED: (
        "signature suite not allowed on this chain",
        "bộ chữ ký không được phép trên chuỗi này",
    ),
    ResultCode.UNKNOWN_DIGEST_ALGORITHM: (
        "unknown digest algorithm",
        "thuật toán băm không xác định",
    ),
    ResultCode.WRONG_DIGEST_LENGTH: (
        "digest length does not match its algorithm",
        "độ dài giá trị băm không khớp thuật toán",
    ),
    ResultCode.BATCH_EMPTY: ("batch has no digests", "lô không có giá trị băm nào"),
    ResultCode.BATCH_TOO_LARGE: ("batch has too many digests", "lô có quá nhiều giá trị băm"),
    ResultCode.DUPLICATE_IN_BATCH: (
        "batch repeats a digest",
        "lô có giá trị băm trùng lặp",
    ),
    ResultCode.UNKNOWN_SIGNER: (
        "the signer is not an enrolled member",
        "người ký chưa đăng ký là thành viên",
    ),
    ResultCode.CERTIFICATE_EXPIRED: ("certificate has expired", "chứng thư số đã hết hạn"),
    ResultCode.CERTIFICATE_NOT_YET_VALID: (
        "certificate is not yet valid",
        "chứng thư số chưa có hiệu lực",
    ),
    ResultCode.CERTIFICATE_REVOKED: ("certificate is revoked", "chứng thư số đã bị thu hồi"),
    ResultCode.ORGANISATION_REMOVED: (
        "organisation has been removed",
        "tổ chức đã bị loại khỏi mạng",
    ),
    ResultCode.ROLE_REQUIRED: (
        "the signer lacks the role this action needs",
        "người ký không có vai trò mà hành động yêu cầu",
    ),
    ResultCode.WRONG_CA: (
        "certificate is not issued by a trusted CA",
        "chứng thư số không do CA được tin cậy cấp",
    ),
    ResultCode.BAD_CERTIFICATE: (
        "certificate is malformed or breaks the profile",
        "chứng thư số sai định dạng hoặc không đúng hồ sơ",
    ),
    ResultCode.KEY_MISMATCH: (
        "certificate key is not the signer's key",
        "khoá trong chứng thư số không phải khoá của người ký",
    ),
    ResultCode.ROLE_NOT_ALLOWED: (
        "role not allowed for the organisation",
        "vai trò không được phép với tổ chức",
    ),
    ResultCode.UNKNOWN_ROLE: ("unknown role", "vai trò không xác định"),
    ResultCode.UNKNOWN_ORGANISATION: ("unknown organisation", "tổ chức không xác định"),
    ResultCode.ORGANISATION_EXISTS: ("organisation already exists", "tổ chức đã tồn tại"),
    ResultCode.NOT_ORGANISATION_ADMIN: (
        "the signer is not an admin of that organisation",
        "người ký không phải quản trị viên của tổ chức đó",
    ),
    ResultCode.ALREADY_REVOKED: (
        "certificate was already revoked",
        "chứng thư số đã bị thu hồi trước đó",
    ),
    ResultCode.UNSUPPORTED_KEY: (
        "certificate key algorithm has no signature suite",
        "thuật toán khoá trong chứng thư số không được hỗ trợ",
    ),
    ResultCode.MODULE_DISABLED: (
        "module disabled on this chain",
        "mô-đun bị tắt trên chuỗi này",
    ),
    ResultCode.PERSONAL_DATA: (
        "looks like personal data, which this chain does not take (keep it in a vault)",
        "có vẻ là dữ liệu cá nhân, chuỗi này không nhận (hãy lưu trong kho dữ liệu riêng)",
    ),
    ResultCode.UNKNOWN_PROPOSAL: ("unknown proposal", "đề xuất không tồn tại"),
    ResultCode.PROPOSAL_CLOSED: (
        "proposal already decided",
        "đề xuất đã được quyết định",
    ),
    ResultCode.VOTING_CLOSED: (
        "voting period is over",
        "đã hết thời hạn bỏ phiếu",
    ),
    ResultCode.DOUBLE_VOTE: (
        "organisation has already voted",
        "tổ chức đã bỏ phiếu",
    ),
    ResultCode.INVALID_PROPOSAL: ("invalid proposal", "đề xuất không hợp lệ"),
    ResultCode.NOT_IN_AN_ORGANISATION: (
        "sender belongs to no organisation",
        "người gửi không thuộc tổ chức nào",
    ),
    ResultCode.INVALID_DID_NAME: (
        "not a valid did:sen name",
        "tên did:sen không hợp lệ",
    ),
    ResultCode.DID_EXISTS: (
        "a DID with this name already exists",
        "DID với tên này đã tồn tại",
    ),
    ResultCode.UNKNOWN_DID: ("unknown DID", "DID không tồn tại"),
    ResultCode.DID_DEACTIVATED: (
        "the DID is deactivated",
        "DID đã bị vô hiệu hoá",
    ),
    ResultCode.NOT_DID_CONTROLLER: (
        "the signer does not control this DID",
        "người ký không phải bên kiểm soát DID này",
    ),
    ResultCode.INVALID_VERIFICATION_METHOD: (
        "invalid verification method",
        "phương thức xác minh không hợp lệ",
    ),
    ResultCode.UNSUPPORTED_KEY_TYPE: (
        "key type not supported (Ed25519 or P-256 Multikey only)",
        "loại khoá không được hỗ trợ (chỉ Multikey Ed25519 hoặc P-256)",
    ),
    ResultCode.INVALID_RELATIONSHIP: (
        "invalid verification relationship",
        "quan hệ xác minh không hợp lệ",
    ),
    ResultCode.INVALID_SERVICE: ("invalid service", "dịch vụ không hợp lệ"),
    ResultCode.DUPLICATE_FRAGMENT: (
        "an id is used twice in the DID document",
        "một định danh bị dùng hai lần trong tài liệu DID",
    ),
    ResultCode.INVALID_CONTROLLER: (
        "invalid controller",
        "bên kiểm soát không hợp lệ",
    ),
    ResultCode.INVALID_ALSO_KNOWN_AS: (
        "invalid alsoKnownAs URI",
        "URI alsoKnownAs không hợp lệ",
    ),
    ResultCode.INVALID_DID: (
        "not a did:sen DID",
        "không phải DID did:sen hợp lệ",
    ),
    ResultCode.INVALID_CREDENTIAL_TYPE: (
        "invalid credential type list",
        "danh sách loại chứng chỉ không hợp lệ",
    ),
    ResultCode.INVALID_VALIDITY: (
        "invalid validity period",
        "thời hạn hiệu lực không hợp lệ",
    ),
    ResultCode.NOT_ACCREDITED: (
        "the accreditor is not a trust root and may not accredit for these types",
        "bên công nhận không phải gốc tin cậy và không được uỷ quyền công nhận cho các loại này",
    ),
    ResultCode.SELF_ACCREDITATION: (
        "a DID cannot accredit itself",
        "một DID không thể tự công nhận chính mình",
    ),
    ResultCode.UNKNOWN_ACCREDITATION: ("unknown accreditation", "không tồn tại bản công nhận"),
    ResultCode.ACCREDITATION_REVOKED: (
        "the accreditation is already revoked",
        "bản công nhận đã bị thu hồi",
    ),
    ResultCode.NOT_ACCREDITOR: (
        "only the accreditor or a trust root may revoke this accreditation",
        "chỉ bên công nhận hoặc gốc tin cậy mới được thu hồi bản công nhận này",
    ),
    ResultCode.TOO_MANY_ACCREDITATIONS: (
        "the issuer has too many accreditations",
        "đơn vị phát hành có quá nhiều bản công nhận",
    ),
    ResultCode.INVALID_SCHEMA: ("invalid credential schema", "lược đồ chứng chỉ không hợp lệ"),
    ResultCode.SCHEMA_EXISTS: (
        "a schema with this id is already registered",
        "lược đồ với định danh này đã được đăng ký",
    ),
    ResultCode.UNKNOWN_SCHEMA: ("unknown schema", "lược đồ không tồn tại"),
    ResultCode.SCHEMA_DEPRECATED: (
        "the schema is already deprecated",
        "lược đồ đã bị ngừng sử dụng",
    ),
    ResultCode.INVALID_STATUS_LIST_NAME: (
        "invalid status list name",
        "tên danh sách trạng thái không hợp lệ",
    ),
    ResultCode.INVALID_STATUS_PURPOSE: (
        "status purpose must be revocation or suspension",
        "mục đích trạng thái phải là revocation hoặc suspension",
    ),
    ResultCode.INVALID_STATUS_LIST_SIZE: (
        "invalid status list size",
        "kích thước danh sách trạng thái không hợp lệ",
    ),
    ResultCode.STATUS_LIST_EXISTS: (
        "the issuer already has a status list with this name",
        "đơn vị phát hành đã có danh sách trạng thái với tên này",
    ),
    ResultCode.UNKNOWN_STATUS_LIST: ("unknown status list", "danh sách trạng thái không tồn tại"),
    ResultCode.STATUS_INDEX_OUT_OF_RANGE: (
        "status index out of range",
        "chỉ số trạng thái nằm ngoài phạm vi",
    ),
    ResultCode.STATUS_INDEX_CONFLICT: (
        "an index is repeated or both set and cleared",
        "một chỉ số bị lặp lại hoặc vừa được đặt vừa bị xoá",
    ),
    ResultCode.TOO_MANY_STATUS_INDEXES: (
        "too many status indexes in one transaction",
        "quá nhiều chỉ số trạng thái trong một giao dịch",
    ),
    ResultCode.STATUS_IRREVERSIBLE: (
        "revocation cannot be undone",
        "không thể huỷ việc thu hồi",
    ),
    ResultCode.INVALID_HEADER: (
        "the header, commit or validator set does not hold together",
        "tiêu đề khối, chữ ký hoặc tập nút xác thực không khớp nhau",
    ),
    ResultCode.INVALID_CLIENT_PARAMS: (
        "invalid light-client parameters",
        "tham số light client không hợp lệ",
    ),
    ResultCode.UNKNOWN_CLIENT: ("no such light client", "không có light client này"),
    ResultCode.CLIENT_FROZEN: (
        "the light client is frozen (misbehaviour was proved)",
        "light client đã bị đóng băng (đã chứng minh hành vi sai)",
    ),
    ResultCode.CLIENT_EXPIRED: (
        "the trusted state is older than the trusting period",
        "trạng thái tin cậy đã quá thời hạn tin cậy",
    ),
    ResultCode.UNKNOWN_CONSENSUS_STATE: (
        "the client has no consensus state at that height",
        "light client không có trạng thái đồng thuận ở độ cao này",
    ),
    ResultCode.HEADER_NOT_NEWER: (
        "the header is not newer than the client's latest",
        "tiêu đề khối không mới hơn tiêu đề gần nhất của light client",
    ),
    ResultCode.HEADER_FROM_FUTURE: (
        "the header's time is beyond the allowed clock drift",
        "thời gian của tiêu đề khối vượt quá độ lệch đồng hồ cho phép",
    ),
    ResultCode.INSUFFICIENT_TRUST: (
        "not enough trusted voting power signed the header",
        "không đủ quyền biểu quyết đáng tin cậy đã ký tiêu đề khối",
    ),
    ResultCode.NOT_MISBEHAVIOUR: (
        "the two headers do not conflict",
        "hai tiêu đề khối không mâu thuẫn nhau",
    ),
    ResultCode.INVALID_PACKET: ("invalid packet", "gói tin không hợp lệ"),
    ResultCode.UNKNOWN_PORT: ("no application on that port", "không có ứng dụng ở cổng này"),
    ResultCode.PACKET_TIMED_OUT: (
        "the packet's timeout has passed",
        "gói tin đã quá thời hạn",
    ),
    ResultCode.PACKET_ALREADY_RECEIVED: (
        "the packet was received already",
        "gói tin đã được nhận trước đó",
    ),
    ResultCode.INVALID_PROOF: (
        "the state proof does not prove it against the client's root",
        "bằng chứng trạng thái không khớp với gốc của light client",
    ),
    ResultCode.UNKNOWN_PACKET: (
        "no such packet is waiting here",
        "không có gói tin này đang chờ",
    ),
    ResultCode.COUNTERPARTY_MISMATCH: (
        "the packet's clients are not this client and its registered counterparty",
        "các light client của gói tin không phải cặp đã đăng ký",
    ),
    ResultCode.TIMEOUT_NOT_REACHED: (
        "the counterparty's time has not reached the packet's timeout",
        "thời gian của chuỗi bên kia chưa tới hạn của gói tin",
    ),
    ResultCode.CLIENT_NOT_RECOVERABLE: (
        "the light client is active: only a frozen or expired client is recovered",
        "light client đang hoạt động: chỉ khôi phục light client đã đóng băng hoặc hết hạn",
    ),
    ResultCode.SUBSTITUTE_MISMATCH: (
        "the substitute client's chain, trust level or clock drift is not the subject's",
        "light client thay thế khác chuỗi, mức tin cậy hoặc độ lệch đồng hồ "
        "của light client cần khôi phục",
    ),
    ResultCode.SUBSTITUTE_NOT_NEWER: (
        "the substitute client's latest height is not above the subject's",
        "độ cao gần nhất của light client thay thế không lớn hơn của light client cần khôi phục",
    ),
    ResultCode.INVALID_RECORD: (
        "a record's id, kind or digest is not in the expected form",
        "mã, loại hoặc giá trị băm của bản ghi không đúng dạng",
    ),
    ResultCode.RECORD_EXISTS: (
        "a record with this id exists here (ids are never reused)",
        "đã có bản ghi mang mã này (mã không bao giờ được dùng lại)",
    ),
    ResultCode.UNKNOWN_RECORD: ("no such record here", "không có bản ghi này"),
    ResultCode.NOT_RECORD_OWNER: (
        "the sender's organisation does not own the record",
        "tổ chức của người gửi không sở hữu bản ghi",
    ),
    ResultCode.RECORD_NOT_LIVE: (
        "the record is held in escrow or has moved to another chain",
        "bản ghi đang bị ký quỹ hoặc đã chuyển sang chuỗi khác",
    ),
    ResultCode.RECORD_MISMATCH: (
        "the payload does not describe the record as it is here",
        "gói dữ liệu không khớp với bản ghi tại chuỗi này",
    ),
    ResultCode.CHAIN_EXISTS: (
        "the chain is in the directory already",
        "chuỗi đã có trong danh bạ",
    ),
    ResultCode.UNKNOWN_CHAIN: (
        "no such chain in the directory",
        "không có chuỗi này trong danh bạ",
    ),
    ResultCode.CONTRACTS_NOT_ENABLED: (
        "this chain has no contract runtime (app_state.contracts)",
        "chuỗi này chưa bật hợp đồng (app_state.contracts)",
    ),
    ResultCode.CODE_TOO_LARGE: ("contract code too large", "mã hợp đồng quá lớn"),
    ResultCode.CODE_EXISTS: ("this code is already uploaded", "mã này đã được tải lên"),
    ResultCode.UNKNOWN_CODE: ("no such contract code", "không có mã hợp đồng này"),
    ResultCode.INVALID_CODE: (
        "contract code does not compile",
        "mã hợp đồng không biên dịch được",
    ),
    ResultCode.UPLOAD_NOT_ALLOWED: (
        "code is uploaded by governance on this chain",
        "trên chuỗi này, mã chỉ được tải lên qua quản trị",
    ),
    ResultCode.UNKNOWN_CONTRACT: ("no such contract", "không có hợp đồng này"),
    ResultCode.NOT_CONTRACT_ADMIN: (
        "only the contract's admin may do this",
        "chỉ quản trị viên của hợp đồng được làm việc này",
    ),
    ResultCode.GAS_LIMIT_TOO_HIGH: (
        "gas limit above the chain's maximum",
        "giới hạn gas vượt mức tối đa của chuỗi",
    ),
    ResultCode.OUT_OF_GAS: ("the call ran out of gas", "lời gọi đã hết gas"),
    ResultCode.CONTRACT_REFUSED: ("the contract refused the call", "hợp đồng từ chối lời gọi"),
    ResultCode.CONTRACT_FAILED: (
        "the contract raised an error",
        "hợp đồng phát sinh lỗi",
    ),
    ResultCode.CONTRACT_TRAPPED: (
        "the contract's WebAssembly trapped",
        "mã WebAssembly của hợp đồng bị dừng (trap)",
    ),
    ResultCode.NO_SUCH_ENTRY: (
        "the contract has no such entry point",
        "hợp đồng không có điểm vào này",
    ),
    ResultCode.CONTRACT_BAD_ANSWER: (
        "the contract's answer is not allowed",
        "câu trả lời của hợp đồng không hợp lệ",
    ),
    ResultCode.BLOCK_GAS_EXHAUSTED: (
        "the block's contract gas limit is reached",
        "khối đã hết hạn mức gas cho hợp đồng",
    ),
    ResultCode.INVALID_PRIVACY_TERM: (
        "not a privacy vocabulary term (a DPV term such as dpv:ServiceProvision)",
        "không phải thuật ngữ quyền riêng tư (một thuật ngữ DPV như dpv:ServiceProvision)",
    ),
    ResultCode.CONSENT_EXISTS: (
        "a consent record with this id exists",
        "đã có bản ghi đồng ý với mã này",
    ),
    ResultCode.UNKNOWN_CONSENT: ("no such consent record", "không có bản ghi đồng ý này"),
    ResultCode.INVALID_CONSENT_SIGNATURE: (
        "the data subject's signature does not verify",
        "chữ ký của chủ thể dữ liệu không hợp lệ",
    ),
    ResultCode.CONSENT_NOT_LIVE: (
        "the consent is refused or already withdrawn",
        "sự đồng ý đã bị từ chối hoặc đã được rút lại",
    ),
    ResultCode.NOT_DATA_SUBJECT: (
        "only the data subject or the controller may do this",
        "chỉ chủ thể dữ liệu hoặc bên kiểm soát dữ liệu được làm việc này",
    ),
    ResultCode.REQUEST_EXISTS: (
        "a request with this id exists",
        "đã có yêu cầu với mã này",
    ),
    ResultCode.UNKNOWN_REQUEST: ("no such data-subject request", "không có yêu cầu này"),
    ResultCode.REQUEST_CLOSED: (
        "the request is already answered",
        "yêu cầu đã được trả lời",
    ),
    ResultCode.TOO_MANY_OPEN_REQUESTS: (
        "too many open requests to this controller",
        "quá nhiều yêu cầu đang mở gửi bên kiểm soát này",
    ),
    ResultCode.NO_CONSENT_RELATION: (
        "this key has no consent record with the controller",
        "khóa này không có bản ghi đồng ý nào với bên kiểm soát",
    ),
    ResultCode.ERASURE_EXISTS: (
        "this data subject's erasure is already recorded",
        "việc xóa dữ liệu của chủ thể này đã được ghi nhận",
    ),
    ResultCode.REQUEST_MISMATCH: (
        "the request is not of this kind or controller",
        "yêu cầu không đúng loại hoặc bên kiểm soát",
    ),
    ResultCode.BREACH_EXISTS: (
        "a breach or assessment with this id exists",
        "đã có vi phạm hoặc hồ sơ đánh giá với mã này",
    ),
    ResultCode.TIME_IN_FUTURE: (
        "the time is after the block's time",
        "thời điểm sau thời gian của khối",
    ),
    ResultCode.UNKNOWN_ASSESSMENT: (
        "no such impact-assessment dossier",
        "không có hồ sơ đánh giá tác động này",
    ),
    ResultCode.ASSESSMENT_CLOSED: (
        "the dossier is accepted, or not awaiting review",
        "hồ sơ đã được chấp nhận, hoặc không chờ xem xét",
    ),
    ResultCode.CONSENT_EXPIRED: (
        "the consent has expired",
        "sự đồng ý đã hết hạn",
    ),
    ResultCode.ASSESSMENT_CHANGED: (
        "the dossier changed since the version reviewed",
        "hồ sơ đã thay đổi kể từ phiên bản được xem xét",
    ),
    ResultCode.INVALID_GS1_PREFIX: (
        "not a GS1 Company Prefix (4 to 12 digits)",
        "không phải mã doanh nghiệp GS1 (4 đến 12 chữ số)",
    ),
    ResultCode.PREFIX_OVERLAPS: (
        "the prefix overlaps one already granted",
        "mã doanh nghiệp trùng lặp với một mã đã được cấp",
    ),
    ResultCode.UNKNOWN_PREFIX: (
        "no such GS1 Company Prefix grant",
        "không có mã doanh nghiệp GS1 đã cấp này",
    ),
    ResultCode.PREFIX_NOT_HELD: (
        "the capturer does not speak for this GS1 Company Prefix",
        "bên ghi nhận không được quyền với mã doanh nghiệp GS1 này",
    ),
    ResultCode.CAPTURE_EXISTS: (
        "a capture job with this id is already recorded",
        "đã ghi nhận một lô sự kiện với mã này",
    ),
}


def describe(code: int, language: str = "en") -> str:
    """Human text for a code (never hashed)."""
    try:
        english, vietnamese = DESCRIPTIONS[ResultCode(code)]
    except (ValueError, KeyError):
        return f"code {code}"
    return vietnamese if language == "vi" else english
