# SPDX-FileCopyrightText: 2026 The PiRack authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Compile settings for PiRack's own targets. Third-party headers come in through imported
# targets, which CMake treats as system headers, so -Werror applies to our code only.

option(PIRACK_WERROR "Treat compiler warnings in PiRack's own code as errors" ON)
option(PIRACK_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

if(PIRACK_SANITIZE)
    # Applied globally so that every object of ours, tests included, is instrumented.
    add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
    add_link_options(-fsanitize=address,undefined)
endif()

function(pirack_target_defaults target)
    target_compile_options(${target} PRIVATE
        -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
        -Woverloaded-virtual -Wnull-dereference -Wformat=2)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang") # Qt's qCDebug(category) names the category alone
        target_compile_options(${target} PRIVATE -Wno-gnu-zero-variadic-macro-arguments)
    endif()
    if(PIRACK_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
    target_compile_definitions(${target} PRIVATE
        QT_NO_KEYWORDS
        QT_NO_CAST_FROM_ASCII
        QT_NO_CAST_TO_ASCII
        QT_NO_URL_CAST_FROM_STRING
        QT_NO_CAST_FROM_BYTEARRAY
        QT_USE_QSTRINGBUILDER
        QT_STRICT_ITERATORS
        PIRACK_VERSION_STRING="${PROJECT_VERSION}")
endfunction()
