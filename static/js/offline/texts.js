/* The offline app's words, in Vietnamese and English. The page's language (<html lang>)
 * is the user's choice on the server; a text missing in English falls back to Vietnamese.
 * Also the app's namespace (window.CDHTOffline), which the other offline files extend. */
(function () {
  "use strict";

  var TEXTS = {
    vi: {
      "state.draft": "Bản nháp", "state.waiting": "Chờ gửi", "state.sent": "Đã gửi",
      "state.correct": "Cần sửa", "state.refused": "Bị từ chối", "state.conflict": "Xung đột",
      "online": "Đang có mạng", "offline": "Đang ngoại tuyến: hộ được lưu trên máy",
      "outbox": "Hàng chờ gửi", "unsent": "{n} hộ chưa gửi", "last_sync": "gửi lần cuối {when}",
      "send_now": "Gửi ngay", "open": "Mở", "new_household": "Nhập hộ mới",
      "no_rounds": "Chưa tải được đợt khảo sát nào: hãy mở trang này khi có mạng.",
      "no_head": "(chưa có tên chủ hộ)", "code": "mã hộ {code}",
      "step": "Bước {n}/{total}", "back": "Quay lại", "next": "Tiếp tục", "to_list": "Về danh sách",
      "queue": "Lưu vào hàng chờ gửi",
      "unit": "Xã/phường", "village": "Thôn/tổ", "address": "Địa chỉ", "head_name": "Chủ hộ",
      "survey_date": "Ngày khảo sát", "member": "Thành viên {n}", "full_name": "Họ và tên",
      "sex": "Giới tính", "birth_year": "Năm sinh", "ethnicity": "Dân tộc",
      "education": "Trình độ học vấn", "target_group": "Nhóm đối tượng",
      "no_group": "Không thuộc nhóm đánh giá (trẻ nhỏ, người cao tuổi...)",
      "relationship": "Quan hệ với chủ hộ", "add_member": "Thêm thành viên",
      "remove_member": "Bỏ thành viên này", "age": "{age} tuổi",
      "required": "{field}: cần trả lời.", "invalid": "{field}: câu trả lời không hợp lệ.",
      "birth_range": "{field}: năm sinh phải từ {low} đến năm khảo sát ({high}).",
      "date_range": "Ngày khảo sát phải trong thời gian của đợt ({start} – {end}).",
      "group_age": "{name}: tuổi {age} không thuộc nhóm này.",
      "nothing_asked": "Không có câu hỏi nào ở bước này cho các thành viên đã nhập.",
      "preview": "Kết quả tạm tính (chưa phải kết quả chính thức: máy chủ chấm lại khi nhận hộ)",
      "passed": "Đạt Công dân học tập", "failed": "Chưa đạt", "incomplete": "Chưa đủ thông tin",
      "not_assessed": "Không thuộc nhóm đánh giá", "household_result": "Hộ: Gia đình học tập",
      "points": "{total} điểm",
      "storage_full": "Không lưu được trên máy (bộ nhớ đầy hoặc bị từ chối): {error}. Hãy gửi các hộ đang chờ rồi xoá bớt dữ liệu trình duyệt.",
      "storage_refused": "Trình duyệt chưa cho lưu lâu dài: dữ liệu vẫn được lưu, nhưng hãy gửi các hộ ngay khi có mạng.",
      "storage_open": "Không mở được bộ nhớ trên máy: {error}",
      "expired": "Phiên đăng nhập đã hết: hãy đăng nhập lại để gửi các hộ đang chờ.",
      "fix_online": "Sửa trực tuyến", "fix_here": "Sửa trên máy",
      "correct_hint": "Máy chủ đã giữ hộ này thành bản nháp: sửa trực tuyến, hoặc sửa trên máy rồi lưu lại.",
      "online_copy": "Bản trên máy chủ: {head}, {members} thành viên, sửa lúc {when}",
      "see_online": "Xem bản trên máy chủ", "keep_online": "Giữ bản trên máy chủ (bỏ bản trên máy)",
      "use_device": "Dùng bản trên máy (thay bản nháp trực tuyến)",
      "confirm_drop": "Bỏ bản trên máy của hộ này? Bản trên máy chủ được giữ nguyên.",
      "corrected_online": "đã sửa trực tuyến",
      "revisit": "Khảo sát lại hộ đợt trước", "revisit_of": "Khảo sát lại hộ {code}",
      "revisit_search": "Tìm theo tên chủ hộ hoặc mã hộ", "revisit_none": "Không có hộ nào của đợt trước ở các xã của bạn.",
      "revisit_pick": "Khảo sát lại", "revisit_earlier": "đợt {round}: {members} thành viên"
    },
    en: {
      "state.draft": "Draft", "state.waiting": "Waiting to send", "state.sent": "Sent",
      "state.correct": "Needs correction", "state.refused": "Refused", "state.conflict": "Conflict",
      "online": "Online", "offline": "Offline: households are kept on this device",
      "outbox": "Outbox", "unsent": "{n} households not sent", "last_sync": "last sent {when}",
      "send_now": "Send now", "open": "Open", "new_household": "New household",
      "no_rounds": "No survey round downloaded yet: open this page while online.",
      "no_head": "(no household head yet)", "code": "household {code}",
      "step": "Step {n}/{total}", "back": "Back", "next": "Continue", "to_list": "Back to the list",
      "queue": "Put in the outbox",
      "unit": "Commune/ward", "village": "Village", "address": "Address", "head_name": "Household head",
      "survey_date": "Survey date", "member": "Member {n}", "full_name": "Full name",
      "sex": "Sex", "birth_year": "Birth year", "ethnicity": "Ethnicity",
      "education": "Education", "target_group": "Target group",
      "no_group": "Not in an assessed group (young children, older people...)",
      "relationship": "Relationship to the head", "add_member": "Add a member",
      "remove_member": "Remove this member", "age": "age {age}",
      "required": "{field}: an answer is required.", "invalid": "{field}: invalid answer.",
      "birth_range": "{field}: the birth year must be from {low} to the survey year ({high}).",
      "date_range": "The survey date must be within the round ({start} – {end}).",
      "group_age": "{name}: age {age} does not fit this group.",
      "nothing_asked": "No question of this step applies to the members entered.",
      "preview": "Provisional result (not official: the server scores it again when it arrives)",
      "passed": "Learning Citizen", "failed": "Not yet", "incomplete": "Not enough information",
      "not_assessed": "Not in an assessed group", "household_result": "Household: Learning Family",
      "points": "{total} points",
      "storage_full": "Could not save on this device (storage full or refused): {error}. Send the waiting households, then free some browser storage.",
      "storage_refused": "The browser did not grant lasting storage: data is still saved, but send households as soon as you are online.",
      "storage_open": "Could not open this device's storage: {error}",
      "expired": "Your session has expired: sign in again to send the waiting households.",
      "fix_online": "Correct online", "fix_here": "Correct on this device",
      "correct_hint": "The server kept this household as a draft: correct it online, or correct it here and save it again.",
      "online_copy": "Server copy: {head}, {members} members, changed {when}",
      "see_online": "See the server copy", "keep_online": "Keep the server copy (drop this device's)",
      "use_device": "Use this device's copy (replace the online draft)",
      "confirm_drop": "Drop this device's copy of the household? The server copy stays as it is.",
      "corrected_online": "corrected online",
      "revisit": "Survey a household of an earlier round again", "revisit_of": "Revisit of household {code}",
      "revisit_search": "Search by household head or code", "revisit_none": "No household of an earlier round in your communes.",
      "revisit_pick": "Survey again", "revisit_earlier": "round {round}: {members} members"
    }
  };
  var lang = (document.documentElement.lang || "vi").slice(0, 2) === "en" ? "en" : "vi";

  function t(key, args) {
    var text = TEXTS[lang][key] || TEXTS.vi[key] || key;
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return args && args[name] !== undefined && args[name] !== null ? String(args[name]) : all;
    });
  }
  function label(l) {
    if (!l) return "";
    if (typeof l === "string") return l;
    return (lang === "en" ? l.en || l.vi : l.vi || l.en) || "";
  }
  function when(iso) {
    return new Date(iso).toLocaleString(lang === "en" ? "en-GB" : "vi-VN");
  }

  window.CDHTOffline = {lang: lang, t: t, label: label, when: when};
})();
