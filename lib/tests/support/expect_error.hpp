#pragma once
// Test helper for all unit tests: a misuse must throw kolmo::Error whose message names the
// offending parameter (core/error.hpp gives the message form "...: parameter 'name' = ...").

#include <gtest/gtest.h>

#include <string>

#include "kolmo/core/error.hpp"

#define KOLMO_EXPECT_THROW_NAMING(statement, parameter)                               \
  do {                                                                                \
    try {                                                                             \
      statement;                                                                      \
      ADD_FAILURE() << "expected kolmo::Error from: " #statement;                     \
    } catch (const kolmo::Error& error) {                                             \
      EXPECT_NE(std::string(error.what()).find(std::string("'") + (parameter) + "'"), \
                std::string::npos)                                                    \
          << error.what();                                                            \
    }                                                                                 \
  } while (false)
