// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "argumentlist.h"

using namespace Qt::Literals::StringLiterals;

std::optional<QStringList> splitArguments(const QString &text, QString *error)
{
    QStringList arguments;
    QString current;
    bool inWord = false;
    QChar quote;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c == u'\\' && quote != u'\'') {
            if (i + 1 >= text.size()) {
                *error = u"a backslash at the end of \"%1\" escapes nothing"_s.arg(text);
                return std::nullopt;
            }
            current += text.at(++i);
            inWord = true;
        } else if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
            else
                current += c;
        } else if (c == u'"' || c == u'\'') {
            quote = c;
            inWord = true;
        } else if (c.isSpace()) {
            if (inWord)
                arguments.append(std::exchange(current, {}));
            inWord = false;
        } else {
            current += c;
            inWord = true;
        }
    }
    if (!quote.isNull()) {
        *error = u"unbalanced %1 in \"%2\""_s.arg(quote, text);
        return std::nullopt;
    }
    if (inWord)
        arguments.append(current);
    return arguments;
}
