"""Built-in plugins: finetune (registrations only; implementations are imported lazily)."""
from benchmark import hookimpl


def transformer_finetune(seed=0, model=None, preset=None, lr=None, batch_size=None, epochs=None, max_length=None,
                         warmup=None, grad_accum=1, weight_decay=0.01, loss="bce", focal_gamma=2.0, pos_weight=None,
                         select="macro_f1", log_every=50, eval_batch_size=128, min_epoch_size=0, init_from=None,
                         freeze=False, freeze_embeddings=None, pooling=None, head_lr=None, device=None, resume=True):
    """None means: the preset's value, else the default (MiniLM, lr 5e-5, batch 32, 2 epochs, length 64,
    warmup 0.1, pooling cls, head_lr = lr, no pos_weight, embeddings trained)."""
    from plugins.transformer_finetune import TransformerFinetune, resolve_params

    resolve_params(preset)  # unknown preset fails before any work
    return TransformerFinetune(
        seed=seed, model=model, preset=preset, lr=lr, batch_size=batch_size, epochs=epochs, max_length=max_length,
        warmup=warmup, grad_accum=grad_accum, weight_decay=weight_decay, loss=loss, focal_gamma=focal_gamma,
        pos_weight=pos_weight, select=select, log_every=log_every, eval_batch_size=eval_batch_size,
        min_epoch_size=min_epoch_size, init_from=init_from, freeze=freeze, freeze_embeddings=freeze_embeddings,
        pooling=pooling, head_lr=head_lr, device=device, resume=resume)


@hookimpl
def register_models(register):
    register("transformer-finetune", transformer_finetune,
             "Fine-tuned transformer (AutoModelForSequenceClassification; packaged MiniLM offline; "
             "preset=paper|minilm-cpu)")
