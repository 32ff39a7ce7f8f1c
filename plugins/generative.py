"""Built-in plugins: generative augmenters (registrations only; implementations are imported lazily).

Model parameters take a local folder or a Hugging Face hub id. Offline, hub ids that are not cached
fail with a one-line error asking for a local folder.
"""
from benchmark import hookimpl


def contextual_mlm(model="bert-base-cased", p=0.15, top_k=10, temperature=1.0, max_length=128, batch_size=16,
                   skip_stopwords=True, device="auto"):
    from plugins.mlm import ContextualMLM

    return ContextualMLM(model=model, p=p, top_k=top_k, temperature=temperature, max_length=max_length,
                         batch_size=batch_size, skip_stopwords=skip_stopwords, device=device)


def back_translation(model="Helsinki-NLP/opus-mt-en-de", back_model="Helsinki-NLP/opus-mt-de-en", mode="sample",
                     num_beams=4, top_k=50, temperature=1.0, max_length=128, batch_size=16, device="auto"):
    from plugins.seq2seq import BackTranslation

    return BackTranslation(model=model, back_model=back_model, mode=mode, num_beams=num_beams, top_k=top_k,
                           temperature=temperature, max_length=max_length, batch_size=batch_size, device=device)


def paraphrase(model="tuner007/pegasus_paraphrase", num_beams=8, num_beam_groups=4, diversity_penalty=1.0,
               prefix="", max_length=64, batch_size=16, device="auto"):
    from plugins.seq2seq import Paraphrase

    return Paraphrase(model=model, num_beams=num_beams, num_beam_groups=num_beam_groups,
                      diversity_penalty=diversity_penalty, prefix=prefix, max_length=max_length,
                      batch_size=batch_size, device=device)


def llm_paraphrase(base_url=None, model="gpt-4o-mini", prompt=None, system="", temperature=0.9, max_tokens=512,
                   api_key_env="OPENAI_API_KEY", concurrency=4, retries=3, backoff=1.0, timeout=60.0, max_chars=2000):
    from plugins.llm import PROMPT, LLMParaphrase

    return LLMParaphrase(base_url=base_url, model=model, prompt=prompt or PROMPT, system=system,
                         temperature=temperature, max_tokens=max_tokens, api_key_env=api_key_env,
                         concurrency=concurrency, retries=retries, backoff=backoff, timeout=timeout,
                         max_chars=max_chars)


@hookimpl
def register_augmenters(register):
    register("contextual-mlm", contextual_mlm,
             "Masked-LM word substitution (any HF masked LM: model=PATH or hub id; p, top_k, temperature)")
    register("back-translation", back_translation,
             "Round-trip translation src->pivot->src with a MarianMT pair (model, back_model; mode sample|beam)")
    register("paraphrase", paraphrase,
             "Seq2seq paraphrases with diverse beam search, as in ProtAugment (model, num_beam_groups, "
             "diversity_penalty)")
    register("llm-paraphrase", llm_paraphrase,
             "Paraphrases from an OpenAI-compatible chat endpoint (base_url, model, prompt; cached on disk)")
