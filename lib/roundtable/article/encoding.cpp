#include <algorithm>
#include <fmt/format.h>
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

} // namespace roundtable::article
