// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <optional>

/**
 * What a new node needs to join the rack, in one line to paste, like a k3s or kubeadm token:
 * `pirack-join:1/HOST/PORT/FINGERPRINT-HEX/SECRET`. The agent pins rackd's certificate from the
 * fingerprint before it presents the secret.
 */
struct JoinString
{
    QString host;
    quint16 port = 0;
    QString fingerprint; ///< Canonical "SHA256:..." form.
    QString secret;

    QString toString() const;
    static std::optional<JoinString> parse(const QString &text, QString *error);
};
