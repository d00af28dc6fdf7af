#include <algorithm>
#include <cctype>
#include <roundtable/http/client.hpp>

namespace roundtable::http {

namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

} // namespace

std::string Response::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (equals_ignoring_case(key, name)) {
            return value;
        }
    }
    return {};
}

std::string_view TransportError::kind_name() const {
    switch (kind) {
    case Kind::connect:
        return "connect";
    case Kind::timeout:
        return "timeout";
    case Kind::dropped:
        return "dropped";
    case Kind::too_large:
        return "too_large";
    case Kind::aborted:
        return "aborted";
    case Kind::other:
        break;
    }
    return "other";
}

} // namespace roundtable::http
