"""Built-in plugins: sentence-encoder, zero-shot (+ zero-shot-llm) and ensemble.

Registrations only; implementations (and torch, sentence-transformers, sklearn) are imported lazily.
"""
from benchmark import hookimpl


def sentence_encoder(seed=0, encoder="minilm", head="logreg", C=1.0, class_weight=None, hidden=512, dropout=0.2,
                     epochs=40, lr=1e-3, weight_decay=1e-4, batch_size=128, patience=5, encode_batch_size=64,
                     max_seq_length=None, threads=None):
    from plugins.sentence_encoder import SentenceEncoderModel

    return SentenceEncoderModel(seed=seed, encoder=encoder, head=head, C=C, class_weight=class_weight, hidden=hidden,
                                dropout=dropout, epochs=epochs, lr=lr, weight_decay=weight_decay,
                                batch_size=batch_size, patience=patience, encode_batch_size=encode_batch_size,
                                max_seq_length=max_seq_length, threads=threads)


def zero_shot(seed=0, backend="embedding", encoder="minilm", template="This text expresses {label}.",
              descriptions=None, scoring="softmax", temperature=0.05, threads=None, base_url=None,
              llm_model="gpt-4o-mini", prompt=None, system="", api_key_env="OPENAI_API_KEY", concurrency=4,
              retries=3, timeout=60.0, max_tokens=60):
    from plugins.zero_shot import PROMPT, ZeroShot

    return ZeroShot(seed=seed, backend=backend, encoder=encoder, template=template, descriptions=descriptions,
                    scoring=scoring, temperature=temperature, threads=threads, base_url=base_url,
                    llm_model=llm_model, prompt=prompt or PROMPT, system=system, api_key_env=api_key_env,
                    concurrency=concurrency, retries=retries, timeout=timeout, max_tokens=max_tokens)


def zero_shot_llm(seed=0, base_url=None, llm_model="gpt-4o-mini", prompt=None, system="",
                  api_key_env="OPENAI_API_KEY", concurrency=4, retries=3, timeout=60.0, max_tokens=60):
    return zero_shot(seed=seed, backend="llm", base_url=base_url, llm_model=llm_model, prompt=prompt, system=system,
                     api_key_env=api_key_env, concurrency=concurrency, retries=retries, timeout=timeout,
                     max_tokens=max_tokens)


def ensemble(seed=0, members=None, models=None, weights=None, store=None):
    from plugins.ensemble import Ensemble

    return Ensemble(seed=seed, members=members, models=models, weights=weights, store=store)


@hookimpl
def register_models(register):
    register("sentence-encoder", sentence_encoder,
             "Frozen sentence-transformers encoder (packaged all-MiniLM-L6-v2) + logreg or MLP head; "
             "embeddings cached on disk")
    register("zero-shot", zero_shot,
             "No training: cosine similarity of text and label-description embeddings (or backend=llm)")
    register("zero-shot-llm", zero_shot_llm,
             "No training: an OpenAI-compatible chat model picks the labels; counts invalid labels",
             needs="an OpenAI-compatible chat endpoint (base_url)")
    register("ensemble", ensemble,
             "Average predict_proba of stored runs (members=RUN,RUN) or of models trained here (models=A,B)",
             check_params={"models": "tfidf-logreg,tfidf-logreg"})
