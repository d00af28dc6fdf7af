// URL input: fetching an article over http(s) with the shared libcurl client.
#pragma once

#include <roundtable/article/article.hpp>
#include <string>

namespace roundtable::commands {

// Fetches `url` (up to 5 redirects, 30 s, the size cap of `options`) and reads it as an
// article; throws Error(Exit::usage) naming the URL and the HTTP status or transport
// failure.
article::Article fetch_article(const std::string& url, const article::ReadOptions& options);

} // namespace roundtable::commands
