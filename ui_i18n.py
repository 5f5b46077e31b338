"""Gradio's own words (the upload box's "Drop File Here", the footer, a plot's default label) in the page's
language. Gradio 6 translates them on the client with svelte-i18n, picking the locale from the browser and
offering no Vietnamese: ``i18n()`` gives it our wording for the keys the page shows (passed to
``launch``/``mount_gradio_app``), and ``LOCALE_JS`` switches Gradio's locale whenever the page's language
radio changes, through the ``changeLocale`` export of Gradio's own core module (a missing export leaves
Gradio's English; nothing breaks). Keys missing here fall back to Gradio's English.
"""

from __future__ import annotations

# Gradio's translation keys (gradio/templates/frontend/assets/core-*.js, "en" table) → our wording.
GRADIO_WORDS = {
    "vi": {
        "upload_text": {"click_to_upload": "Bấm để chọn tệp", "drop_file": "Thả tệp vào đây",
                        "drop_csv": "Thả tệp CSV vào đây", "paste_clipboard": "Dán từ bộ nhớ tạm"},
        "common": {"or": "hoặc", "clear": "Xóa", "download": "Tải xuống",
                   "download_all": "Tải xuống tất cả",
                   "remove": "Gỡ bỏ", "loading": "Đang tải", "error": "Lỗi", "settings": "Cài đặt",
                   "built_with_gradio": "Làm bằng Gradio", "built_with": "làm bằng", "empty": "Trống",
                   "language": "Ngôn ngữ", "submit": "Gửi", "undo": "Hoàn tác", "edit": "Sửa"},
        "errors": {"use_via_api": "Dùng qua API", "use_via_api_or_mcp": "Dùng qua API hoặc MCP"},
        "file": {"uploading": "Đang tải lên..."},
        "plot": {"plot": "Biểu đồ"},
        "dropdown": {"dropdown": "Danh sách chọn"},
        "dataframe": {"sort_ascending": "Sắp xếp tăng dần", "sort_descending": "Sắp xếp giảm dần",
                      "clear_sort": "Bỏ sắp xếp", "filter": "Lọc", "clear_filter": "Bỏ lọc",
                      "sort_column": "Sắp xếp cột"},
    },
}
# English is Gradio's own table; the page only needs to switch back to it.
LOCALES = {"vi": "vi", "en": "en"}


def i18n():
    """The custom translations Gradio sends to the page (``launch(i18n=…)``/``mount_gradio_app(i18n=…)``)."""
    import gradio as gr

    return gr.I18n(**GRADIO_WORDS)


# The radio's value is the language; Gradio's core module is the one the page already loaded (found among the
# loaded resources), so importing it again returns the same module and the same locale store.
LOCALE_JS = """
if (!window.__tracuuLocale) {
  window.__tracuuLocale = true;
  const coreUrl = () => performance.getEntriesByType('resource').map(e => e.name)
    .find(n => /\\/assets\\/core-[^/]*\\.js$/.test(n));
  window.__tracuuSetLocale = async (lang) => {
    const url = coreUrl();
    if (!url) return;
    try { const core = await import(url); if (core.changeLocale) core.changeLocale(lang); } catch (e) {}
    document.documentElement.lang = lang;
  };
  document.addEventListener('change', (ev) => {
    const radio = ev.target.closest && ev.target.closest('#lang input[type=radio]');
    if (radio && radio.checked) window.__tracuuSetLocale(radio.value);
  });
  const checked = document.querySelector('#lang input[type=radio]:checked');
  window.__tracuuSetLocale(checked ? checked.value : 'vi');
}
"""
