#include <algorithm>
#include <cerrno>
#include <fmt/format.h>
#include <iconv.h>
#include <roundtable/article/encoding.hpp>
#include <utf8proc.h>

namespace roundtable::article {

namespace {

constexpr std::string_view k_bom = "\xEF\xBB\xBF";
constexpr std::string_view k_replacement = "\xEF\xBF\xBD"; // U+FFFD
constexpr std::size_t k_sniff_bytes = 64 * 1024;

bool is_continuation(unsigned char byte) noexcept {
    return (byte & 0xC0) == 0x80;
}

// Length of the maximal subpart of an ill-formed sequence starting at `pos`:
// the longest prefix of a well-formed sequence, or 1 byte (Unicode 15, §3.9).
std::size_t maximal_subpart(std::string_view bytes, std::size_t pos) noexcept {
    const auto lead = static_cast<unsigned char>(bytes[pos]);
    std::size_t need = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        need = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        need = 2;
        low = lead == 0xE0 ? 0xA0 : 0x80;
        high = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        need = 3;
        low = lead == 0xF0 ? 0x90 : 0x80;
        high = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 1;
    }
    std::size_t length = 1;
    for (std::size_t i = 0; i < need && pos + length < bytes.size(); ++i) {
        const auto byte = static_cast<unsigned char>(bytes[pos + length]);
        const unsigned char lo = i == 0 ? low : 0x80;
        const unsigned char hi = i == 0 ? high : 0xBF;
        if (byte < lo || byte > hi) {
            break;
        }
        ++length;
    }
    return length;
}

} // namespace

std::string_view strip_bom(std::string_view bytes) noexcept {
    if (bytes.starts_with(k_bom)) {
        bytes.remove_prefix(k_bom.size());
    }
    return bytes;
}

std::optional<std::string> binary_reason(std::string_view bytes) {
    if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
        return std::string("UTF-16 byte order mark");
    }
    const std::string_view head = bytes.substr(0, k_sniff_bytes);
    if (head.find('\0') != std::string_view::npos) {
        return std::string("NUL bytes");
    }
    std::size_t control = 0;
    for (const char c : head) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r' && byte != '\f' &&
             byte != 0x1B) ||
            byte == 0x7F) {
            ++control;
        }
    }
    if (!head.empty() && control * 10 > head.size()) {
        return fmt::format("{}% control bytes", control * 100 / head.size());
    }
    return std::nullopt;
}

Utf8Repair repair_utf8(std::string_view bytes) {
    Utf8Repair result;
    std::size_t pos = 0;
    std::size_t clean_from = 0; // start of the run of valid bytes not yet copied
    const auto* data = reinterpret_cast<const utf8proc_uint8_t*>(bytes.data());
    while (pos < bytes.size()) {
        if (static_cast<unsigned char>(bytes[pos]) < 0x80) {
            ++pos;
            continue;
        }
        utf8proc_int32_t code_point = 0;
        const utf8proc_ssize_t length = utf8proc_iterate(
            data + pos, static_cast<utf8proc_ssize_t>(bytes.size() - pos), &code_point);
        if (length > 0 && code_point >= 0) {
            pos += static_cast<std::size_t>(length);
            continue;
        }
        if (result.replaced == 0) {
            result.text.reserve(bytes.size() + 16);
        }
        result.text.append(bytes.substr(clean_from, pos - clean_from));
        result.text.append(k_replacement);
        ++result.replaced;
        pos += maximal_subpart(bytes, pos);
        clean_from = pos;
    }
    if (result.replaced == 0) {
        result.text.assign(bytes);
    } else {
        result.text.append(bytes.substr(clean_from));
    }
    return result;
}

std::size_t count_code_points(std::string_view text) noexcept {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return !is_continuation(static_cast<unsigned char>(c));
    }));
}

namespace {

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

// Returns the charset name that starts at `pos` of `lower` (after optional quotes).
std::string charset_at(std::string_view lower, std::size_t pos) {
    while (pos < lower.size() && (lower[pos] == '"' || lower[pos] == '\'' || lower[pos] == ' ')) {
        ++pos;
    }
    std::size_t end = pos;
    while (end < lower.size() &&
           ((lower[end] >= 'a' && lower[end] <= 'z') || (lower[end] >= '0' && lower[end] <= '9') ||
            lower[end] == '-' || lower[end] == '_' || lower[end] == ':' || lower[end] == '.')) {
        ++end;
    }
    return std::string(lower.substr(pos, end - pos));
}

} // namespace

std::string declared_charset(std::string_view page) {
    const std::string lower = lower_ascii(page.substr(0, 4096));
    if (lower.starts_with("<?xml")) {
        const std::size_t close = lower.find("?>");
        const std::size_t at = lower.find("encoding=");
        if (at != std::string::npos && at < close) {
            return charset_at(lower, at + 9);
        }
    }
    std::size_t pos = 0;
    while ((pos = lower.find("<meta", pos)) != std::string::npos) {
        const std::size_t end = lower.find('>', pos);
        const std::string_view tag = std::string_view(lower).substr(
            pos, end == std::string::npos ? std::string::npos : end - pos);
        pos += 5;
        const std::size_t at = tag.find("charset");
        if (at == std::string_view::npos) {
            continue;
        }
        std::size_t value = at + 7;
        while (value < tag.size() && tag[value] == ' ') {
            ++value;
        }
        if (value < tag.size() && tag[value] == '=') {
            std::string name = charset_at(tag, value + 1);
            if (!name.empty()) {
                return name;
            }
        }
    }
    return {};
}

std::optional<std::string> to_utf8(std::string_view bytes, std::string_view charset) {
    std::string from = lower_ascii(charset);
    if (from == "iso-8859-1" || from == "latin1" || from == "us-ascii" || from == "ascii" ||
        from == "iso8859-1" || from == "l1") {
        from = "windows-1252";
    } else if (from == "gb2312" || from == "gbk" || from == "x-gbk") {
        from = "gb18030";
    } else if (from == "shift-jis" || from == "sjis" || from == "x-sjis") {
        from = "shift_jis";
    }
    const iconv_t cd = iconv_open("UTF-8", from.c_str());
    if (cd == reinterpret_cast<iconv_t>(-1)) {
        return std::nullopt;
    }
    std::string out(bytes.size() * 2 + 16, '\0');
    char* in_ptr = const_cast<char*>(bytes.data());
    std::size_t in_left = bytes.size();
    char* out_ptr = out.data();
    std::size_t out_left = out.size();
    bool ok = true;
    while (in_left > 0) {
        if (iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left) != static_cast<std::size_t>(-1)) {
            continue;
        }
        if (errno == E2BIG) {
            const std::size_t used = out.size() - out_left;
            out.resize(out.size() * 2);
            out_ptr = out.data() + used;
            out_left = out.size() - used;
            continue;
        }
        ok = false;
        break;
    }
    iconv_close(cd);
    if (!ok) {
        return std::nullopt;
    }
    out.resize(out.size() - out_left);
    return out;
}

} // namespace roundtable::article
