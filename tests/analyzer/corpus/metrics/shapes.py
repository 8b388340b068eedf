def route(kind, total):  # expect: code.complex-function
    if kind == "k0":
        total += 0
    if kind == "k1":
        total += 1
    if kind == "k2":
        total += 2
    if kind == "k3":
        total += 3
    if kind == "k4":
        total += 4
    if kind == "k5":
        total += 5
    if kind == "k6":
        total += 6
    if kind == "k7":
        total += 7
    if kind == "k8":
        total += 8
    if kind == "k9":
        total += 9
    if kind == "k10":
        total += 10
    if kind == "k11":
        total += 11
    if kind == "k12":
        total += 12
    if kind == "k13":
        total += 13
    if kind == "k14":
        total += 14
    return total


def route_small(kind, total):  # ok: code.complex-function
    if kind == "k0":
        total += 0
    if kind == "k1":
        total += 1
    if kind == "k2":
        total += 2
    if kind == "k3":
        total += 3
    if kind == "k4":
        total += 4
    if kind == "k5":
        total += 5
    if kind == "k6":
        total += 6
    if kind == "k7":
        total += 7
    if kind == "k8":
        total += 8
    return total


def transform(values):  # expect: code.long-function
    step_0 = values[0] * 2
    step_1 = values[1] * 2
    step_2 = values[2] * 2
    step_3 = values[3] * 2
    step_4 = values[4] * 2
    step_5 = values[5] * 2
    step_6 = values[6] * 2
    step_7 = values[7] * 2
    step_8 = values[8] * 2
    step_9 = values[9] * 2
    step_10 = values[10] * 2
    step_11 = values[11] * 2
    step_12 = values[12] * 2
    step_13 = values[13] * 2
    step_14 = values[14] * 2
    step_15 = values[15] * 2
    step_16 = values[16] * 2
    step_17 = values[17] * 2
    step_18 = values[18] * 2
    step_19 = values[19] * 2
    step_20 = values[20] * 2
    step_21 = values[21] * 2
    step_22 = values[22] * 2
    step_23 = values[23] * 2
    step_24 = values[24] * 2
    step_25 = values[25] * 2
    step_26 = values[26] * 2
    step_27 = values[27] * 2
    step_28 = values[28] * 2
    step_29 = values[29] * 2
    step_30 = values[30] * 2
    step_31 = values[31] * 2
    step_32 = values[32] * 2
    step_33 = values[33] * 2
    step_34 = values[34] * 2
    step_35 = values[35] * 2
    step_36 = values[36] * 2
    step_37 = values[37] * 2
    step_38 = values[38] * 2
    step_39 = values[39] * 2
    step_40 = values[40] * 2
    step_41 = values[41] * 2
    step_42 = values[42] * 2
    step_43 = values[43] * 2
    step_44 = values[44] * 2
    step_45 = values[45] * 2
    step_46 = values[46] * 2
    step_47 = values[47] * 2
    step_48 = values[48] * 2
    step_49 = values[49] * 2
    step_50 = values[50] * 2
    step_51 = values[51] * 2
    step_52 = values[52] * 2
    step_53 = values[53] * 2
    step_54 = values[54] * 2
    step_55 = values[55] * 2
    step_56 = values[56] * 2
    step_57 = values[57] * 2
    step_58 = values[58] * 2
    step_59 = values[59] * 2
    step_60 = values[60] * 2
    step_61 = values[61] * 2
    return step_0


def transform_short(values):  # ok: code.long-function
    step_0 = values[0] * 2
    step_1 = values[1] * 2
    step_2 = values[2] * 2
    step_3 = values[3] * 2
    step_4 = values[4] * 2
    step_5 = values[5] * 2
    step_6 = values[6] * 2
    step_7 = values[7] * 2
    step_8 = values[8] * 2
    step_9 = values[9] * 2
    step_10 = values[10] * 2
    step_11 = values[11] * 2
    step_12 = values[12] * 2
    step_13 = values[13] * 2
    step_14 = values[14] * 2
    step_15 = values[15] * 2
    step_16 = values[16] * 2
    step_17 = values[17] * 2
    step_18 = values[18] * 2
    step_19 = values[19] * 2
    step_20 = values[20] * 2
    step_21 = values[21] * 2
    step_22 = values[22] * 2
    step_23 = values[23] * 2
    step_24 = values[24] * 2
    step_25 = values[25] * 2
    step_26 = values[26] * 2
    step_27 = values[27] * 2
    step_28 = values[28] * 2
    step_29 = values[29] * 2
    step_30 = values[30] * 2
    step_31 = values[31] * 2
    step_32 = values[32] * 2
    step_33 = values[33] * 2
    step_34 = values[34] * 2
    step_35 = values[35] * 2
    step_36 = values[36] * 2
    step_37 = values[37] * 2
    step_38 = values[38] * 2
    step_39 = values[39] * 2
    step_40 = values[40] * 2
    step_41 = values[41] * 2
    step_42 = values[42] * 2
    step_43 = values[43] * 2
    step_44 = values[44] * 2
    step_45 = values[45] * 2
    step_46 = values[46] * 2
    step_47 = values[47] * 2
    step_48 = values[48] * 2
    step_49 = values[49] * 2
    return step_0


def deep(rows):  # expect: code.deep-nesting
    for row in rows:
        if row:
            for cell in row:
                if cell:
                    while cell > 0:
                        cell -= 1
    return rows


def shallow(rows):  # ok: code.deep-nesting
    for row in rows:
        if row:
            for cell in row:
                if cell:
                    rows.count(cell)
    return rows


def many(a, b, c, d, e, f, g):  # expect: code.too-many-parameters
    return a


def fewer(a, b, c, d, e, f):  # ok: code.too-many-parameters
    return a


WIDE = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"  # expect: generic.long-line
NARROW = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"  # ok: generic.long-line
