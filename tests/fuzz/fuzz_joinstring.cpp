// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The join string an operator pastes into `rack-agent join`. One that parses must print as a string
// that parses to the same parts.
#include "fuzzsupport.h"

#include "protocol/joinstring.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    QString error;
    const std::optional<JoinString> join
        = JoinString::parse(QString::fromUtf8(Fuzz::bytes(data, size)), &error);
    if (!join) {
        PIRACK_FUZZ_CHECK(!error.isEmpty(), QString());
        return 0;
    }
    const QString text = join->toString();
    const std::optional<JoinString> again = JoinString::parse(text, &error);
    PIRACK_FUZZ_CHECK(again.has_value(), error + u' ' + text);
    PIRACK_FUZZ_CHECK(again->host == join->host && again->port == join->port
            && again->fingerprint == join->fingerprint && again->secret == join->secret,
        text);
    return 0;
}
