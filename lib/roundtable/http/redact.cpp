#include <algorithm>
#include <cctype>
#include <roundtable/http/redact.hpp>

namespace roundtable::http {

namespace {

bool joins(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

std::string percent_decoded(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
            hex_value(text[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
            i += 2;
        } else if (text[i] == '+') {
            out += ' ';
        } else {
            out += text[i];
        }
    }
    return out;
}

} // namespace

bool is_secret_header(std::string_view name) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower == "x-api-key" || lower == "authorization" || lower == "x-goog-api-key" ||
           lower == "api-key" || lower == "proxy-authorization";
}

std::string redact_token(std::string text, std::string_view secret) {
    if (secret.empty()) {
        return text;
    }
    for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
        const std::size_t end = at + secret.size();
        const bool whole = (at == 0 || !joins(text[at - 1]) || !joins(secret.front())) &&
                           (end == text.size() || !joins(text[end]) || !joins(secret.back()));
        if (whole) {
            text.replace(at, secret.size(), k_redacted);
            at += k_redacted.size();
        } else {
            ++at;
        }
    }
    return text;
}

std::string redact_header(std::string_view name, std::string value, std::string_view secret) {
    if (is_secret_header(name)) {
        return std::string(k_redacted);
    }
    return redact_token(std::move(value), secret);
}

std::string redact_url(std::string url, std::string_view secret) {
    const std::size_t query = url.find('?');
    if (secret.empty() || query == std::string::npos) {
        return url;
    }
    const std::size_t fragment = std::min(url.find('#', query), url.size());
    std::string out = url.substr(0, query + 1);
    std::size_t at = query + 1;
    while (at <= fragment) {
        std::size_t end = std::min(url.find('&', at), fragment);
        const std::string_view pair(url.data() + at, end - at);
        const std::size_t eq = pair.find('=');
        if (eq != std::string_view::npos) {
            const std::string_view value = pair.substr(eq + 1);
            if (value == secret || percent_decoded(value) == secret) {
                out.append(pair.substr(0, eq + 1)).append(k_redacted);
            } else {
                out.append(pair);
            }
        } else {
            out.append(pair);
        }
        if (end < fragment) {
            out += '&';
        }
        at = end + 1;
    }
    out.append(url, fragment, std::string::npos);
    return out;
}

} // namespace roundtable::http
