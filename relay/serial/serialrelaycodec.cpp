// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "serialrelaycodec.h"

#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace {

// A reply longer than this without being understood is noise, not a slow answer.
constexpr qsizetype MaximumReplySize = 1024;

// Text boards answer in printable ASCII with CR / LF; anything else is line noise or a wrong baud rate.
std::optional<QString> findBinaryByte(const QByteArray &received)
{
    for (char c : received) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte != '\r' && byte != '\n' && (byte < 0x20 || byte > 0x7e))
            return u"unexpected byte 0x%1 (wrong baud rate or protocol?)"_s.arg(
                byte, 2, 16, QLatin1Char('0'));
    }
    return std::nullopt;
}

QString quoted(const QByteArray &bytes)
{
    QString text = QString::fromLatin1(bytes);
    text.replace(u"\r"_s, u"\\r"_s);
    text.replace(u"\n"_s, u"\\n"_s);
    return u'"' + text + u'"';
}

} // namespace

SerialRelayCodec::~SerialRelayCodec() = default;

std::unique_ptr<SerialRelayCodec> SerialRelayCodec::create(SerialRelayProtocol protocol)
{
    switch (protocol) {
    case SerialRelayProtocol::Lcus:
        return std::make_unique<LcusCodec>();
    case SerialRelayProtocol::Numato:
        return std::make_unique<NumatoCodec>();
    }
    return nullptr;
}

// ---- LCUS ----

QString LcusCodec::name() const { return u"LCUS"_s; }

QByteArray LcusCodec::switchCommand(int channel, bool on) const
{
    const auto ch = static_cast<unsigned char>(channel);
    const unsigned char op = on ? 0x01 : 0x00;
    const auto sum = static_cast<unsigned char>((0xA0 + ch + op) & 0xFF);
    QByteArray command;
    command.append(char(0xA0)).append(char(ch)).append(char(op)).append(char(sum));
    return command;
}

SerialReply LcusCodec::parseSwitchReply(const QByteArray &received, int channel, bool on) const
{
    Q_UNUSED(channel)
    Q_UNUSED(on)
    // Not answered: anything that arrives is stray and left for the next status reply to judge.
    Q_UNUSED(received)
    return SerialReply::complete();
}

QByteArray LcusCodec::statusCommand(int channel) const
{
    Q_UNUSED(channel)
    return QByteArray(1, char(0xFF));
}

SerialReply LcusCodec::parseStatusReply(const QByteArray &received, int channel) const
{
    if (const auto binary = findBinaryByte(received))
        return SerialReply::garbage(*binary);
    static const QRegularExpression statusLine(
        u"^CH(\\d+)\\s*:\\s*(ON|OFF)$"_s, QRegularExpression::CaseInsensitiveOption);
    const QList<QByteArray> lines = received.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const bool terminated = i + 1 < lines.size();
        const QString line = QString::fromLatin1(lines.at(i)).trimmed();
        if (line.isEmpty())
            continue;
        const QRegularExpressionMatch match = statusLine.match(line);
        if (!match.hasMatch()) {
            // The last line may still be arriving; judge it only once it is terminated.
            if (terminated || !(u"CH"_s.startsWith(line.left(2), Qt::CaseInsensitive)))
                return SerialReply::garbage(
                    u"unexpected status line %1"_s.arg(quoted(lines.at(i).trimmed())));
            continue;
        }
        if (match.captured(1).toInt() == channel)
            return SerialReply::complete(match.captured(2).compare(u"ON"_s, Qt::CaseInsensitive) == 0);
    }
    if (received.size() > MaximumReplySize)
        return SerialReply::garbage(u"the status reply has no line for channel %1"_s.arg(channel));
    return SerialReply::incomplete();
}

// ---- Numato ----

QString NumatoCodec::name() const { return u"Numato"_s; }

QByteArray NumatoCodec::channelName(int channel)
{
    if (channel < 10)
        return QByteArray::number(channel);
    return QByteArray(1, char('A' + (channel - 10)));
}

QByteArray NumatoCodec::switchCommand(int channel, bool on) const
{
    return (on ? QByteArrayLiteral("relay on ") : QByteArrayLiteral("relay off ")) + channelName(channel)
        + '\r';
}

QByteArray NumatoCodec::statusCommand(int channel) const
{
    return QByteArrayLiteral("relay read ") + channelName(channel) + '\r';
}

namespace {

// Splits "<echo>\n\r<body>\n\r>" into its body, once the prompt has arrived.
SerialReply parseNumatoReply(const QByteArray &received, const QByteArray &command, QByteArray *body)
{
    if (const auto binary = findBinaryByte(received))
        return SerialReply::garbage(*binary);
    const QByteArray echo = command.trimmed();
    // Leading line ends may be left over from the previous prompt.
    qsizetype start = 0;
    while (start < received.size() && (received.at(start) == '\r' || received.at(start) == '\n'))
        ++start;
    const QByteArray text = received.mid(start);
    const qsizetype compared = std::min(text.size(), echo.size());
    if (text.left(compared) != echo.left(compared))
        return SerialReply::garbage(
            u"expected the echo %1, received %2"_s.arg(quoted(echo), quoted(received)));
    if (text.size() < echo.size())
        return SerialReply::incomplete();
    const qsizetype prompt = text.indexOf('>', echo.size());
    if (prompt < 0) {
        if (received.size() > MaximumReplySize)
            return SerialReply::garbage(u"no prompt after %1 bytes"_s.arg(received.size()));
        return SerialReply::incomplete();
    }
    *body = text.mid(echo.size(), prompt - echo.size()).trimmed();
    return SerialReply::complete();
}

} // namespace

SerialReply NumatoCodec::parseSwitchReply(const QByteArray &received, int channel, bool on) const
{
    QByteArray body;
    SerialReply reply = parseNumatoReply(received, switchCommand(channel, on), &body);
    if (reply.status == SerialReply::Status::Complete && !body.isEmpty())
        return SerialReply::garbage(u"the board answered %1"_s.arg(quoted(body)));
    return reply;
}

SerialReply NumatoCodec::parseStatusReply(const QByteArray &received, int channel) const
{
    QByteArray body;
    SerialReply reply = parseNumatoReply(received, statusCommand(channel), &body);
    if (reply.status != SerialReply::Status::Complete)
        return reply;
    const QByteArray state = body.toLower();
    if (state == "on")
        return SerialReply::complete(true);
    if (state == "off")
        return SerialReply::complete(false);
    return SerialReply::garbage(u"expected on or off, received %1"_s.arg(quoted(body)));
}
