// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "session/rackconnector.h"

#include <QStringList>

class QWidget;

/// The questions the app asks the operator, as dialogs (tests answer them with functions instead).
namespace DialogPrompts {

/// Trust on first contact, a pin that does not match, where to keep a token, a token to type.
RackConnector::Prompts connectionPrompts(QWidget *parent);
/// "Cut the power of these running Pis?": Cancel is the default.
bool confirm(QWidget *parent, const QString &title, const QString &text, const QStringList &details);

} // namespace DialogPrompts
