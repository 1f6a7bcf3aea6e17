"""Messages that matter to citizens (verifying, anchoring), in English and Vietnamese.

Only text for people is translated; codes, hashes and JSON output stay as they are.
"""

from __future__ import annotations

from sen.light.checks import CHECK_NAMES

MESSAGES: dict[str, tuple[str, str]] = {
    "consent_signed": (
        "Consent {id} signed and written to {path}; the controller records it with "
        "`sen consent record`.",
        "Đã ký sự đồng ý {id} và lưu vào {path}; bên kiểm soát ghi nhận bằng `sen consent record`.",
    ),
    "consent_recorded": (
        "Consent {id} recorded on chain at block {height}.",
        "Đã ghi nhận sự đồng ý {id} trên chuỗi tại khối {height}.",
    ),
    "consent_withdrawn": (
        "Consent {id} withdrawn at block {height}: no one may read under it any more.",
        "Đã rút lại sự đồng ý {id} tại khối {height}: không ai được đọc dữ liệu theo nó nữa.",
    ),
    "consent_receipt_written": (
        "Consent receipt (a verifiable credential for the data subject) written to {path}.",
        "Đã lưu biên nhận đồng ý (chứng chỉ số cho chủ thể dữ liệu) vào {path}.",
    ),
    "consent_receipt_valid": (
        "VALID: this receipt is signed by the controller and says what the chain records "
        "for consent {id} (now {state}).",
        "HỢP LỆ: biên nhận do bên kiểm soát ký và đúng với bản ghi trên chuỗi của sự đồng ý "
        "{id} (hiện {state}).",
    ),
    "consent_receipt_valid_ended": (
        "VALID receipt: signed by the controller and true to the chain's record of consent "
        "{id} — but that consent is NO LONGER IN FORCE ({state}).",
        "Biên nhận HỢP LỆ: do bên kiểm soát ký và đúng với bản ghi trên chuỗi của sự đồng ý "
        "{id} — nhưng sự đồng ý đó KHÔNG CÒN HIỆU LỰC ({state}).",
    ),
    "consent_receipt_invalid": (
        "INVALID: {count} problem(s) with this receipt:",
        "KHÔNG HỢP LỆ: biên nhận có {count} vấn đề:",
    ),
    "consent_none": (
        "No consent on chain for {subject}.",
        "Không có sự đồng ý nào trên chuỗi của {subject}.",
    ),
    "consent_allows": (
        "ALLOWED: the consent covers this processing (at block {height}).",
        "ĐƯỢC PHÉP: sự đồng ý bao gồm việc xử lý này (tại khối {height}).",
    ),
    "consent_refuses": (
        "NOT ALLOWED ({problem}): {reason}",
        "KHÔNG ĐƯỢC PHÉP ({problem}): {reason}",
    ),
    "receipt_valid": (
        "VALID: this receipt proves the document was anchored on chain {chain} "
        "at block {height} ({time}).",
        "HỢP LỆ: biên nhận này chứng minh tài liệu đã được ghi nhận trên chuỗi {chain} "
        "tại khối {height} ({time}).",
    ),
    "receipt_invalid": (
        "INVALID: the receipt failed the {check} check: {reason}",
        "KHÔNG HỢP LỆ: biên nhận không vượt qua bước kiểm tra {check}: {reason}",
    ),
    "bulk_line_valid": (
        "VALID    {name}: block {height}, {organisation}",
        "HỢP LỆ   {name}: khối {height}, {organisation}",
    ),
    "bulk_line_invalid": (
        "INVALID  {name}: {check}: {reason}",
        "KHÔNG HỢP LỆ {name}: {check}: {reason}",
    ),
    "bulk_summary": (
        "{valid} of {total} receipts valid.",
        "{valid} trên {total} biên nhận hợp lệ.",
    ),
    "document_matches": (
        "The file {file} is exactly the anchored document.",
        "Tệp {file} trùng khớp chính xác với tài liệu đã được ghi nhận.",
    ),
    "document_not_checked": (
        "No file given: only the receipt was checked (add --file to check a document).",
        "Chưa cung cấp tệp: mới chỉ kiểm tra biên nhận (thêm --file để kiểm tra tài liệu).",
    ),
    "issued_by": (
        "Anchored by {sender}; title: {title}; organisation: {organisation}; "
        "reference: {reference}",
        "Được ghi nhận bởi {sender}; tiêu đề: {title}; tổ chức: {organisation}; "
        "số tham chiếu: {reference}",
    ),
    "anchored": (
        "Anchored {count} document(s) in {txs} transaction(s).",
        "Đã ghi nhận {count} tài liệu trong {txs} giao dịch.",
    ),
    "committed": (
        "Committed at block {height}.",
        "Đã được xác nhận tại khối {height}.",
    ),
    "submitted": (
        "Submitted; not waiting for the block (--no-wait).",
        "Đã gửi; không chờ khối được tạo (--no-wait).",
    ),
    "rejected": (
        "Rejected: {reason}",
        "Bị từ chối: {reason}",
    ),
    "not_anchored": (
        "Not anchored: no record of this {algorithm} digest on the chain.",
        "Chưa được ghi nhận: không có bản ghi nào của giá trị băm {algorithm} này trên chuỗi.",
    ),
    "anchored_times": (
        "Anchored {count} time(s); first at block {height} ({time}).",
        "Đã được ghi nhận {count} lần; lần đầu tại khối {height} ({time}).",
    ),
    "packet_receipt_valid": (
        "VALID: packet {sequence} from chain {source} was received and acknowledged on chain "
        "{destination}.",
        "HỢP LỆ: gói tin {sequence} từ chuỗi {source} đã được nhận và xác nhận trên chuỗi "
        "{destination}.",
    ),
    "privacy_receipt_valid_erasure": (
        "VALID: chain {chain} recorded at block {height} the erasure of {count} record(s) of "
        "subject {subject} by {controller}.",
        "HỢP LỆ: chuỗi {chain} đã ghi nhận tại khối {height} việc xóa {count} bản ghi của chủ "
        "thể {subject} do {controller} thực hiện.",
    ),
    "event_receipt_valid": (
        "VALID: {kind} {event} was captured by {capturer} and recorded on chain {chain} at "
        "block {height} ({time}).",
        "HỢP LỆ: sự kiện {kind} {event} do {capturer} ghi nhận, đã được xác thực trên chuỗi "
        "{chain} tại khối {height} ({time}).",
    ),
    "privacy_receipt_valid_consent": (
        "VALID: on chain {chain}, consent {id} to {controller} is {state} (state signed at "
        "block {height}).",
        "HỢP LỆ: trên chuỗi {chain}, sự đồng ý {id} cho {controller} đang ở trạng thái {state} "
        "(trạng thái được ký tại khối {height}).",
    ),
    "privacy_filed": (
        "request {id} ({kind}) filed at block {height}; answer due by {due}",
        "yêu cầu {id} ({kind}) đã nộp tại khối {height}; hạn trả lời {due}",
    ),
    "privacy_queue_title": (
        "{controller}: {open} open, {overdue} overdue",
        "{controller}: {open} đang mở, {overdue} quá hạn",
    ),
    "privacy_columns": (
        "request|kind|filed|due (UTC)|clock|outcome",
        "yêu cầu|loại|khối nộp|hạn (UTC)|đồng hồ|kết quả",
    ),
    "privacy_clock_answered": ("answered", "đã trả lời"),
    "privacy_clock_overdue": ("OVERDUE by {hours} h", "QUÁ HẠN {hours} giờ"),
    "privacy_clock_left": ("{hours} h {minutes} min left", "còn {hours} giờ {minutes} phút"),
    "privacy_late": (" (late)", " (trễ hạn)"),
    "privacy_acknowledged": (
        "request {id} acknowledged at block {height}",
        "yêu cầu {id} đã được xác nhận tại khối {height}",
    ),
    "privacy_answered": (
        "request {id} answered ({outcome}) at block {height}; digest {digest}",
        "yêu cầu {id} đã được trả lời ({outcome}) tại khối {height}; mã băm {digest}",
    ),
    "privacy_erasure_title": (
        "erasure of {subject} by {controller}",
        "việc xóa dữ liệu của {subject} do {controller} thực hiện",
    ),
    "privacy_erasure_rows": (
        "records erased|erased at|recorded at block|deletion request|digest|proof",
        "số bản ghi đã xóa|thời điểm xóa|ghi nhận tại khối|yêu cầu xóa|mã băm|bằng chứng",
    ),
    "privacy_proof_verified": (
        "verified against app hash {app_hash}",
        "đã kiểm tra với app hash {app_hash}",
    ),
    "privacy_vault_declared": (
        "vault {name} of {controller} declared in {jurisdiction} at block {height}",
        "kho {name} của {controller} đã khai báo ở {jurisdiction} tại khối {height}",
    ),
    "privacy_no_vault": (
        "{controller} has declared no vault",
        "{controller} chưa khai báo kho dữ liệu nào",
    ),
    "privacy_vault_line": (
        "{name}: {jurisdiction}{where} (version {version}, block {height})",
        "{name}: {jurisdiction}{where} (phiên bản {version}, khối {height})",
    ),
    "consent_state_given": ("given", "đã đồng ý"),
    "consent_state_refused": ("refused", "đã từ chối"),
    "consent_state_withdrawn": ("withdrawn", "đã rút lại"),
    "consent_problem_unknown": ("no such consent", "không có sự đồng ý này"),
    "consent_problem_refused": ("the subject refused", "chủ thể đã từ chối"),
    "consent_problem_withdrawn": ("the consent was withdrawn", "sự đồng ý đã bị rút lại"),
    "consent_problem_expired": ("the consent has expired", "sự đồng ý đã hết hạn"),
    "consent_problem_subject": (
        "the consent is another data subject's",
        "sự đồng ý là của chủ thể dữ liệu khác",
    ),
    "consent_problem_controller": (
        "the consent was given to another controller",
        "sự đồng ý dành cho bên kiểm soát khác",
    ),
    "consent_problem_recipient": (
        "the consent does not name this recipient",
        "sự đồng ý không có bên nhận này",
    ),
    "consent_problem_purpose": (
        "the consent does not cover this purpose",
        "sự đồng ý không bao gồm mục đích này",
    ),
    "consent_problem_category": (
        "the consent does not cover this category of data",
        "sự đồng ý không bao gồm loại dữ liệu này",
    ),
    "consent_fields": (
        "state|subject|controller|recipients|purposes|categories|legal basis|expires|expired|"
        "recorded at block|withdrawn at block|withdrawn by|proof",
        "trạng thái|chủ thể|bên kiểm soát|bên nhận|mục đích|loại dữ liệu|cơ sở pháp lý|hết hạn|"
        "đã hết hạn|ghi nhận tại khối|rút lại tại khối|người rút lại|bằng chứng",
    ),
    "consent_title": ("consent {id}", "sự đồng ý {id}"),
    "yes": ("yes", "có"),
    "no": ("no", "không"),
    "privacy_receipt_saved": (
        "Receipt saved to {path}. Anyone can check it offline with the chain's genesis file: "
        "sen verify {path} --genesis {genesis}",
        "Đã lưu biên nhận vào {path}. Bất kỳ ai cũng có thể kiểm tra ngoại tuyến bằng tệp "
        "genesis của chuỗi: sen verify {path} --genesis {genesis}",
    ),
    "privacy_breach_reported": (
        "breach {id} reported at block {height}",
        "vi phạm {id} đã được thông báo tại khối {height}",
    ),
    "privacy_assessment_filed": (
        "dossier {id} filed at block {height}",
        "hồ sơ {id} đã nộp tại khối {height}",
    ),
    "privacy_reviewed": (
        "dossier {id} {decision} at block {height}",
        "hồ sơ {id}: {decision} tại khối {height}",
    ),
    "privacy_vault_at": (" at {endpoint}", " tại {endpoint}"),
    "packet_acknowledgement": (
        "The receiving application's answer ({port}): {ack}",
        "Câu trả lời của ứng dụng nhận ({port}): {ack}",
    ),
    "receipt_saved": (
        "Receipt saved to {path}. Anyone can check it offline with: sen verify {path}",
        "Đã lưu biên nhận vào {path}. Bất kỳ ai cũng có thể kiểm tra ngoại tuyến bằng: "
        "sen verify {path}",
    ),
}


def text(language: str, key: str, **values: object) -> str:
    english, vietnamese = MESSAGES[key]
    return (vietnamese if language == "vi" else english).format(**values)


def check_name(language: str, name: str) -> str:
    english, vietnamese = CHECK_NAMES.get(name, (name, name))
    return vietnamese if language == "vi" else english
