"""The pages' labels in Vietnamese (the default) and English (``?lang=en``)."""

from __future__ import annotations

from typing import Literal

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")

LABELS: dict[str, tuple[str, str]] = {
    "app": ("bantin — bản tin công an", "bantin — police news"),
    "overview": ("Tổng quan", "Overview"),
    "events": ("Sự kiện", "Events"),
    "sources": ("Nguồn tin", "Sources"),
    "api": ("API", "API"),
    "event_type": ("Loại sự kiện", "Event type"),
    "province": ("Tỉnh/thành (lúc đó hoặc sau sáp nhập)", "Province (at the time or after the merger)"),
    "province_current": ("Tỉnh/thành sau sáp nhập 2025", "Province after the 2025 merger"),
    "province_then": ("Tỉnh/thành lúc đó", "Province at the time"),
    "source": ("Nguồn", "Source"),
    "date_from": ("Từ ngày", "From"),
    "date_to": ("Đến ngày", "To"),
    "date_field": ("Theo ngày", "Date of"),
    "occurred_on": ("xảy ra", "occurrence"),
    "published_at": ("đăng bài", "publication"),
    "person": ("Người", "Person"),
    "role": ("Vai trò", "Role"),
    "role_official": ("cán bộ", "official"),
    "role_suspect": ("đối tượng", "suspect"),
    "rank": ("Cấp bậc", "Rank"),
    "award_kind": ("Hình thức khen thưởng", "Award kind"),
    "q": ("Tìm trong bài (không cần dấu)", "Search the text (diacritics optional)"),
    "sort": ("Sắp xếp", "Order"),
    "sort-published_at": ("mới đăng trước", "newest published first"),
    "sortpublished_at": ("cũ đăng trước", "oldest published first"),
    "sort-occurred_on": ("mới xảy ra trước", "latest occurrence first"),
    "sortoccurred_on": ("cũ xảy ra trước", "earliest occurrence first"),
    "apply": ("Lọc", "Filter"),
    "reset": ("Bỏ lọc", "Clear"),
    "any": ("Tất cả", "Any"),
    "total": ("sự kiện", "events"),
    "next_page": ("Trang sau →", "Next page →"),
    "first_page": ("← Trang đầu", "← First page"),
    "download": ("Tải về", "Download"),
    "no_events": ("Không có sự kiện nào khớp bộ lọc.", "No event matches the filters."),
    "bad_filter": ("Bộ lọc không hợp lệ", "Invalid filter"),
    "title": ("Tiêu đề", "Title"),
    "date": ("Ngày", "Date"),
    "timeline": ("Sự kiện theo thời gian", "Events over time"),
    "per_day": ("theo ngày", "per day"),
    "per_week": ("theo tuần", "per week"),
    "map": ("Bản đồ 34 tỉnh/thành (sau 2025)", "Map of the 34 provinces (after 2025)"),
    "map_hint": ("Bấm vào một tỉnh để lọc.", "Click a province to filter."),
    "top_provinces": ("Tỉnh/thành (sau 2025) nhiều sự kiện nhất", "Top provinces (after 2025)"),
    "top_campaigns": ("Phong trào, chuyên đề nổi bật", "Top campaigns"),
    "campaigns_note": ("trong {n} sự kiện mới nhất", "among the {n} newest events"),
    "facets_sample_note": (
        "số đếm bên bộ lọc: trên {n} sự kiện khớp",
        "filter counts: over {n} of the matches",
    ),
    "none": ("không có", "none"),
    "latest": ("Sự kiện mới nhất", "Latest events"),
    "all_events": ("Xem tất cả sự kiện →", "All events →"),
    "article": ("Bài viết", "Article"),
    "facts": ("Dữ kiện", "Facts"),
    "original": ("Bài gốc", "Original article"),
    "extractor": ("Bộ trích xuất", "Extractor"),
    "confidence": ("Độ tin cậy", "Confidence"),
    "summary": ("Tóm tắt", "Summary"),
    "people": ("Cán bộ, người liên quan", "Officials and people"),
    "awards": ("Khen thưởng", "Awards"),
    "figures": ("Số liệu", "Figures"),
    "suspects": ("Đối tượng", "Suspects"),
    "seizures": ("Tang vật thu giữ", "Seizures"),
    "casualties": ("Thương vong", "Casualties"),
    "legal_refs": ("Văn bản pháp luật", "Legal references"),
    "campaigns": ("Phong trào", "Campaigns"),
    "locations": ("Địa điểm", "Places"),
    "organizations": ("Đơn vị", "Organizations"),
    "vehicles": ("Phương tiện", "Vehicles"),
    "authors": ("Tác giả", "Authors"),
    "occurred": ("Ngày xảy ra", "Occurred on"),
    "issuer": ("cấp", "issued by"),
    "collectives": ("tập thể", "collectives"),
    "individuals": ("cá nhân", "individuals"),
    "award_total": ("tổng", "in all"),
    "dead": ("chết", "dead"),
    "injured": ("bị thương", "injured"),
    "born": ("sinh năm", "born"),
    "no_text": ("Không lưu văn bản bài viết.", "The article text is not stored."),
    "show_evidence": ("Bấm một dữ kiện để xem câu trong bài.", "Click a fact to see its sentence."),
    "platform": ("Nền tảng", "Platform"),
    "schedule": ("Lịch", "Schedule"),
    "enabled": ("Bật", "Enabled"),
    "last_run": ("Lần chạy gần nhất", "Last run"),
    "result": ("Kết quả", "Result"),
    "health": ("Tình trạng", "Health"),
    "articles": ("Bài đã thu thập", "Articles crawled"),
    "never": ("chưa chạy", "never"),
    "running": ("đang chạy (hoặc đã dừng đột ngột)", "running (or crashed)"),
    "ok": ("tốt", "ok"),
    "failed": ("LỖI", "FAILED"),
    "unhealthy": ("BẤT THƯỜNG", "UNHEALTHY"),
    "yes": ("có", "yes"),
    "no": ("không", "no"),
    "not_found": ("Không tìm thấy sự kiện", "No such event"),
    "other_lang": ("English", "Tiếng Việt"),
}

EVENT_TYPE_LABELS: dict[str, tuple[str, str]] = {
    "meeting": ("Hội nghị", "Meeting"),
    "commendation": ("Khen thưởng", "Commendation"),
    "campaign": ("Phong trào", "Campaign"),
    "arrest": ("Bắt giữ", "Arrest"),
    "prosecution": ("Khởi tố, xét xử", "Prosecution"),
    "drug_case": ("Ma túy", "Drug case"),
    "traffic_accident": ("Tai nạn giao thông", "Traffic accident"),
    "fire": ("Cháy nổ", "Fire"),
    "rescue": ("Cứu nạn", "Rescue"),
    "fraud_warning": ("Cảnh báo lừa đảo", "Fraud warning"),
    "wanted_notice": ("Truy nã", "Wanted notice"),
    "sanction": ("Xử phạt", "Sanction"),
    "other": ("Khác", "Other"),
}


def lang_of(value: str | None) -> Lang:
    return "en" if value == "en" else "vi"


def label(key: str, lang: Lang) -> str:
    """``key``'s label in ``lang`` (the key itself when it has none, so a gap shows, not breaks)."""
    pair = LABELS.get(key) or EVENT_TYPE_LABELS.get(key)
    return pair[LANGS.index(lang)] if pair else key


def type_label(event_type: str, lang: Lang) -> str:
    pair = EVENT_TYPE_LABELS.get(event_type)
    return pair[LANGS.index(lang)] if pair else event_type
