// URL input: fetching an article over http(s) with the shared libcurl client.
#pragma once

#include <roundtable/article/article.hpp>
#include <string>

namespace roundtable::commands {

// Fetches `url` (up to 5 redirects, 30 s, the size cap of `options`) and returns the page's
// bytes; throws Error(Exit::usage) naming the URL and the HTTP status or transport failure
// (Exit::interrupted after Ctrl-C).
std::string fetch_page(const std::string& url, const article::ReadOptions& options);

// Fetches `url` as fetch_page() does and reads it as an article (article::from_bytes with the
// URL as its source); throws as fetch_page() and from_bytes() do.
article::Article fetch_article(const std::string& url, const article::ReadOptions& options);

} // namespace roundtable::commands
