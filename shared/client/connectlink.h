// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <optional>

/**
 * A connect link: everything a laptop needs to reach a rack and trust it, in one line to paste.
 *
 *   pirack://10.42.0.1:7420/?name=lab%20rack&fingerprint=SHA256:<64 hex>&token=prt_<43 characters>
 *
 * The host (a name, an IPv4 address or an IPv6 address in brackets) and the port say where rackd
 * answers; the fingerprint is what its certificate must present, so the link is trusted without a
 * question; the token is the credential. `name` (optional) is what the rack is saved as. The token
 * comes last and has a fixed length, so a link cut short anywhere is refused rather than half
 * used. Unknown parameters are refused too: a link is made by rackctl or the app, never by hand.
 */
struct ConnectLink
{
    static constexpr const char *Scheme = "pirack";
    static constexpr quint16 DefaultPort = 7420;

    QString host;
    quint16 port = DefaultPort;
    QString fingerprint; ///< Canonical: "SHA256:" and 64 lower-case hex digits.
    QString token;
    QString name; ///< May be empty: the caller names the rack after host:port.

    /// The link as one line. The token is in it: print it only to the person who asked.
    QString toString() const;

    /// `name`, or "host:port" when the link has none.
    QString rackName() const;

    /**
     * Reads a pasted link (surrounding blanks and a trailing newline are forgiven). Empty, with
     * `error` in the operator's words (what is wrong, never the token), when it is not a whole
     * PiRack link.
     */
    static std::optional<ConnectLink> parse(const QString &text, QString *error);

    /**
     * The host a link should name for a rack reached at `host`: that host, except a loopback one
     * (the program runs on the master itself), for which it is this machine's own name.
     */
    static QString hostForLink(const QString &host);

    /// A host name or an address (IPv6 without brackets), as a link may carry it.
    static bool isHost(const QString &host);

    /// A token as rackd makes it: "prt_" and 43 characters of base64url.
    static bool looksLikeToken(const QString &token);
};
