// Umbrella header for the C++ API.
#pragma once

#include "lowbit/graph.h"
#include "lowbit/interpreter.h"
#include "lowbit/model.h"
#include "lowbit/model_builder.h"
#include "lowbit/op_resolver.h"
#include "lowbit/status.h"
#include "lowbit/types.h"
