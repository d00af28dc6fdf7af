#include <roundtable/util/text.hpp>

namespace roundtable::util {

namespace {

// Returns `text` with each control character (C0, DEL, C1) replaced by `with`; tab, line feed
// and carriage return are kept when `keep_breaks` is set.
std::string replace_controls(std::string_view text, std::string_view with, bool keep_breaks) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        const bool c1 = byte == 0xC2 && i + 1 < text.size() &&
                        (static_cast<unsigned char>(text[i + 1]) & 0xE0) == 0x80;
        const bool kept = keep_breaks && (byte == '\t' || byte == '\n' || byte == '\r');
        if (((byte < 0x20 || byte == 0x7F) && !kept) || c1) {
            out += with;
            i += c1 ? 1 : 0; // a C1 control is two bytes
            continue;
        }
        out.push_back(text[i]);
    }
    return out;
}

} // namespace

std::string one_line(std::string_view text) {
    return replace_controls(text, " ", false);
}

std::string drop_controls(std::string_view text) {
    return replace_controls(text, "", true);
}

} // namespace roundtable::util
