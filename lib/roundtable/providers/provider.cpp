#include <fmt/format.h>
#include <roundtable/providers/provider.hpp>
#include <roundtable/util/text.hpp>

namespace roundtable::providers {

std::string Failure::describe() const {
    std::string out = provider.empty() ? std::string("provider") : provider;
    out += ": ";
    if (http_status != 0) {
        out += fmt::format("HTTP {} ", http_status);
    }
    if (!type.empty()) {
        out += type;
        out += ": ";
    }
    out += message.empty() ? std::string("failed") : message;
    std::string extra;
    if (!request_id.empty()) {
        extra += fmt::format("request {}", request_id);
    }
    if (attempts > 1) {
        extra += fmt::format("{}{} attempts", extra.empty() ? "" : ", ", attempts);
    }
    if (!extra.empty()) {
        out += fmt::format(" ({})", extra);
    }
    return util::one_line(out); // the fields came from outside
}

} // namespace roundtable::providers
