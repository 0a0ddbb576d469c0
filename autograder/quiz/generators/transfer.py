"""Transfer-learning strategy: the course's four cases of dataset size and similarity.

COURSE.md, "Transfer learning, as taught": feature extraction (freeze the base,
train a new head) vs fine-tuning (then unfreeze part of the base, recompile,
train with a very small learning rate). Each case has its own action: small and
similar data, the whole base as a frozen feature extractor; large and similar,
fine-tune its top blocks; small and different, a new head on the features of an
earlier, more generic part of the base (the top blocks' features are specific to
ImageNet, and transfer helps less); large and different, fine-tune much of the
base. Train the new head before fine-tuning. The answer texts below restate
exactly that, each opening with its action (the text before the colon, distinct
for every case); this family is conceptual, so its key is this table, not a
reference function.
"""
from __future__ import annotations

from autograder.quiz.builder import Draft, Mistake
from autograder.quiz.model import Draw
from autograder.quiz.registry import register

STRATEGIES = {
    ("small", "similar"): "Use the whole base as a frozen feature extractor: keep all of it frozen "
                          "and train only a new head on its output, with little or no fine-tuning.",
    ("large", "similar"): "Fine-tune the top blocks: train a new head on the frozen base, then "
                          "unfreeze the last block or two, recompile and train with a very small "
                          "learning rate.",
    ("small", "different"): "Take features from an earlier block: cut the base below its last "
                            "blocks, whose features are specific to ImageNet, train a new head on "
                            "the more generic earlier features, and expect transfer to help less.",
    ("large", "different"): "Fine-tune deeply: train a new head, then unfreeze much of the base "
                            "(most of its blocks), recompile and train with a very small learning "
                            "rate.",
}
ALL_AT_ONCE = ("Unfreeze the whole base at once and train it together with the untrained new head "
               "at the usual learning rate.")

SIMILAR = ("photos of {n} flower species", "photos of cats and dogs", "photos of {n} car models",
           "photos of {n} kinds of fruit", "photos of {n} dog breeds")
DIFFERENT = ("chest X-ray scans", "microscope images of cells", "satellite images of crop fields",
             "spectrograms of bird calls", "greyscale images of handwritten digits")
BASES = ("VGG16", "ResNet50", "InceptionV3")

WHY = {
    "size": {"small": "with only {size} images, fine-tuning the base overfits: keep it frozen and "
                      "train only a new head.",
             "large": "with {size} images there is enough data to fine-tune part of the base."},
    "similarity": {"similar": "the data resemble ImageNet, so even the base's top, most specific "
                              "features fit them: keep the whole base, and fine-tune at most its "
                              "top blocks.",
                   "different": "the data differ from ImageNet, so the top blocks' features, "
                                "specific to ImageNet, transfer less: use earlier, more generic "
                                "features, or fine-tune much of the base when there is data for "
                                "it."},
}
STEP_OPTIONS = {
    "key": "Unfreeze the top of the base, recompile the model, and train with a very small "
           "learning rate.",
    "forgot_to_recompile": "Unfreeze the top of the base and keep training without recompiling.",
    "used_a_large_learning_rate": "Unfreeze the whole base and train at the same learning rate "
                                  "as the head.",
    "fine_tuned_before_training_the_head": "Nothing: fine-tuning should have come before training "
                                           "the new head.",
}
STEP_FEEDBACK = {
    "forgot_to_recompile": "Forgot to recompile: changing `trainable` takes effect only after "
                           "model.compile().",
    "used_a_large_learning_rate": "Used a large learning rate: fine-tuning needs a very small one, "
                                  "or it wrecks the pretrained weights.",
    "fine_tuned_before_training_the_head": "Fine-tuned before training the head: train the new head "
                                           "first, or its random gradients wreck the base.",
}


def _mistake_for(case, other, size_text) -> Mistake:
    size, similarity = case
    o_size, o_sim = other
    if o_size != size and o_sim != similarity:
        name = "ignored_size_and_similarity"
        why = (WHY["size"][size].format(size=size_text) + " Also, "
               + WHY["similarity"][similarity])
    elif o_size != size:
        name = "ignored_the_dataset_size"
        why = WHY["size"][size].format(size=size_text)
    else:
        name = "ignored_the_similarity"
        why = WHY["similarity"][similarity][0].upper() + WHY["similarity"][similarity][1:]
    label = (f"That is the strategy for {o_size}, {o_sim} data; "
             f"{why[0].lower() + why[1:]}")
    return Mistake(name, STRATEGIES[other], label)


@register("transfer-learning", "Transfer-learning strategy", "transfer", ("multichoice",))
def transfer_learning(draw: Draw) -> Draft:
    base = draw.choice(BASES)
    if draw.chance(0.25):
        prompt = (f"You added a new head to a frozen {base} base (pretrained on ImageNet) and trained "
                  "it. What should you do next to fine-tune?")
        mistakes = [Mistake(name, STEP_OPTIONS[name], STEP_FEEDBACK[name])
                    for name in ("forgot_to_recompile", "used_a_large_learning_rate",
                                 "fine_tuned_before_training_the_head")]
        return Draft(prompt=prompt, params={"question": "fine-tuning step", "base": base},
                     answer=STEP_OPTIONS["key"],
                     explanation="Fine-tuning: unfreeze the top of the base, recompile, and train "
                                 "with a very small learning rate, after the new head is trained.",
                     mistakes=mistakes, kinds=("multichoice",))
    case = (draw.choice(["small", "large"]), draw.choice(["similar", "different"]))
    count = draw.integer(100, 900) if case[0] == "small" else draw.integer(40, 200) * 1000
    size_text = f"{count:,}"
    kind = draw.choice(SIMILAR if case[1] == "similar" else DIFFERENT).format(n=draw.integer(3, 12))
    prompt = (f"You have {size_text} labelled {kind} and a {base} base pretrained on ImageNet. "
              "Which transfer-learning strategy fits best?")
    others = [c for c in STRATEGIES if c != case]
    mistakes = [_mistake_for(case, other, size_text) for other in others]
    mistakes.append(Mistake("fine_tuned_before_training_the_head", ALL_AT_ONCE,
                            STEP_FEEDBACK["fine_tuned_before_training_the_head"]))
    reasons = (WHY["size"][case[0]].format(size=size_text) + " Also, "
               + WHY["similarity"][case[1]])
    explanation = (f"{case[0].capitalize()}, {case[1]} data: "
                   + STRATEGIES[case][0].lower() + STRATEGIES[case][1:] + " Why: " + reasons)
    return Draft(prompt=prompt,
                 params={"question": "strategy", "size": case[0], "similarity": case[1],
                         "images": count, "data": kind, "base": base},
                 answer=STRATEGIES[case], explanation=explanation, mistakes=mistakes,
                 kinds=("multichoice",))

# The mistakes this conceptual family names (there is no function to compute a strategy).
CONCEPTUAL_MISTAKES = ("ignored_the_dataset_size", "ignored_the_similarity",
                       "ignored_size_and_similarity", *STEP_FEEDBACK)
