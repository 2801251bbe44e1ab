// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// FrameDecoder on a byte stream as a peer would send it, cut into chunks of a size the input chooses.
// Every message it yields must come out the same after encodeFrame() and a fresh decoder.
#include "fuzzsupport.h"

#include "protocol/framing.h"
#include "protocol/messages.h"

#include <QJsonDocument>

namespace {

void checkRoundTrip(const QJsonObject &message)
{
    const QByteArray frame = encodeFrame(message);
    FrameDecoder again(qint64(frame.size()));
    again.append(frame);
    const FrameDecoder::Result result = again.next();
    PIRACK_FUZZ_CHECK(result.status == FrameDecoder::Result::Status::Message && result.message == message,
        QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
    PIRACK_FUZZ_CHECK(again.bufferedBytes() == 0, QString());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using Status = FrameDecoder::Result::Status;
    if (size < 1)
        return 0;
    // First byte: the chunk size (0: everything at once), and whether the limit starts small and is
    // raised after the first message, as rackd does after the hello.
    const qsizetype chunk = data[0] & 0x3f;
    const bool raiseLimit = data[0] & 0x40;
    const QByteArray stream = Fuzz::bytes(data + 1, size - 1);

    FrameDecoder decoder(raiseLimit ? 64 : Protocol::MaximumMessageSize);
    for (qsizetype at = 0; at < stream.size();) {
        const qsizetype length = chunk == 0 ? stream.size() : qMin(chunk, stream.size() - at);
        decoder.append(stream.mid(at, length));
        at += length;
        for (;;) {
            const FrameDecoder::Result result = decoder.next();
            PIRACK_FUZZ_CHECK(decoder.bufferedBytes() >= 0, QString());
            if (result.status == Status::NeedMore)
                break;
            if (result.status == Status::Fatal)
                return 0; // The connection is closed here: nothing more is read.
            if (result.status == Status::Message) {
                checkRoundTrip(result.message);
                if (raiseLimit)
                    decoder.setMaximumPayload(Protocol::MaximumMessageSize);
            } else {
                PIRACK_FUZZ_CHECK(!result.error.isEmpty(), QString());
            }
        }
    }
    return 0;
}
