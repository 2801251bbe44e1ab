// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>

/**
 * A frame is a 4-byte big-endian payload length, then that many bytes of UTF-8 JSON holding
 * one object. The length is checked before any payload is buffered.
 */
QByteArray encodeFrame(const QJsonObject &message);

class FrameDecoder
{
public:
    struct Result
    {
        enum class Status {
            NeedMore, ///< No complete frame yet.
            Message, ///< `message` holds the next message.
            BadPayload, ///< One frame held no JSON object; the stream goes on after it.
            Fatal, ///< The framing itself is broken (bad length): the stream cannot go on.
        };
        Status status = Status::NeedMore;
        QJsonObject message;
        QString error;
    };

    explicit FrameDecoder(qint64 maximumPayload);

    /// Frames announced after this call are held to the new limit (rackd: small before the hello).
    void setMaximumPayload(qint64 maximumPayload) { m_maximumPayload = maximumPayload; }
    void append(const QByteArray &bytes);
    Result next();
    qint64 bufferedBytes() const { return m_buffer.size() - m_offset; }

private:
    qint64 m_maximumPayload;
    QByteArray m_buffer;
    qsizetype m_offset = 0; ///< Where the next frame starts in m_buffer.
};
